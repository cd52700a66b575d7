package io.taskgrid.coordinator.internal.store;

/**
 * The store's records in the other maps of the partition a batch runs on, read on that partition's
 * thread: what a batch that checks them before it writes is given ({@link Reader}). Only {@link
 * PartitionBatchOperation} makes one, each time it runs.
 */
interface PartitionRecords {
  /** The finished records (the results map's) of this partition. */
  EndedRecords ended();

  /** The live records (the tasks and chunks maps') of this partition. */
  LiveRecords live();

  /** A batch that reads its partition's other maps before it runs. */
  interface Reader {
    /**
     * Called by {@link PartitionBatchOperation} on the partition's thread each time it runs the
     * batch, before it does.
     */
    void readFrom(PartitionRecords partition);
  }
}

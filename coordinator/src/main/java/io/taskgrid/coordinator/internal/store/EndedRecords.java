package io.taskgrid.coordinator.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * The finished records of the partition a batch runs on, by task id: what {@link
 * BatchWriteProcessor.Kind#CREATE} consults before it stores a live record. Only {@link
 * PartitionBatchOperation} makes one, on the partition's thread, from the results map's records of
 * that very partition (in {@link StoreFormat#ENDED_CHECKED_AT_CREATE} a task's live and finished
 * records share a partition), so the check and the write are one atomic step.
 */
@FunctionalInterface
interface EndedRecords {
  /** The DONE record of {@code taskId} in the results map, or null if it has none. */
  byte @Nullable [] of(String taskId);
}

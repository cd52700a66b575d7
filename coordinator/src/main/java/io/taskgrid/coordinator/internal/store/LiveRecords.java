package io.taskgrid.coordinator.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * The live records of the partition a batch runs on, by task id: what {@link
 * BatchWriteProcessor.Kind#COMPLETE_FIRST} consults before it stores a finished record, to find a
 * lease a worker's report took ({@link TakenLeases}). Only {@link PartitionBatchOperation} makes
 * one, on the partition's thread, from the live maps' records of that very partition (since {@link
 * StoreFormat#RESULTS_BY_CHUNK} a task's live and finished records share a partition), so the check
 * and the write are one atomic step.
 */
@FunctionalInterface
interface LiveRecords {
  /**
   * The live record of {@code taskId} (its own entry's, or its chunk's), or null if it has none.
   */
  byte @Nullable [] of(String taskId);
}

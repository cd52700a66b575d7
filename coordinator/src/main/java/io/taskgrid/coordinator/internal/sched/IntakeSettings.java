package io.taskgrid.coordinator.internal.sched;

import java.util.Objects;

/**
 * How a {@link TaskIntake} admits tasks: its limits, its heap check, and the timer that repeats a
 * failed store write. {@link #of} gives the limits with no per-tenant limit, no heap check and the
 * JDK's delay thread; each {@code with…} changes one setting.
 *
 * @param maxPayloadBytes the largest payload a task may carry
 * @param maxBatchSize the most tasks in one submit batch
 * @param maxQueuedTasks the most live tasks on this coordinator
 * @param maxQueuedTasksPerTenant the most live tasks of one tenant
 * @param heap refuses new tasks while the heap is nearly full
 * @param createRetries runs the repeats of a failed store write (see TaskIntake#retryCreate)
 */
public record IntakeSettings(
    int maxPayloadBytes,
    int maxBatchSize,
    long maxQueuedTasks,
    long maxQueuedTasksPerTenant,
    HeapHeadroom heap,
    RetryTimer createRetries) {
  public IntakeSettings {
    Objects.requireNonNull(heap, "heap");
    Objects.requireNonNull(createRetries, "createRetries");
  }

  /** The given limits; no per-tenant limit, no heap check, repeats on the JDK's delay thread. */
  public static IntakeSettings of(int maxPayloadBytes, int maxBatchSize, long maxQueuedTasks) {
    return new IntakeSettings(
        maxPayloadBytes,
        maxBatchSize,
        maxQueuedTasks,
        Long.MAX_VALUE,
        HeapHeadroom.unlimited(),
        RetryTimer.daemon());
  }

  public IntakeSettings withTenantLimit(long maxQueuedTasksPerTenant) {
    return new IntakeSettings(
        maxPayloadBytes,
        maxBatchSize,
        maxQueuedTasks,
        maxQueuedTasksPerTenant,
        heap,
        createRetries);
  }

  public IntakeSettings withHeap(HeapHeadroom heap) {
    return new IntakeSettings(
        maxPayloadBytes,
        maxBatchSize,
        maxQueuedTasks,
        maxQueuedTasksPerTenant,
        heap,
        createRetries);
  }

  public IntakeSettings withCreateRetries(RetryTimer createRetries) {
    return new IntakeSettings(
        maxPayloadBytes,
        maxBatchSize,
        maxQueuedTasks,
        maxQueuedTasksPerTenant,
        heap,
        createRetries);
  }
}

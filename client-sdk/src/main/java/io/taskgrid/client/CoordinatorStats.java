package io.taskgrid.client;

import java.util.Map;

/**
 * One coordinator's queue depths and counters, as returned by {@link TaskgridClient#stats()}. The
 * totals count since that coordinator started; sample them twice for a rate.
 *
 * @param queued tasks waiting for a slot, per pool
 * @param live tasks accepted and not ended (queued, waiting or running)
 * @param acceptedTotal tasks accepted since the coordinator started
 * @param completedTotal tasks ended since the coordinator started, whatever their outcome
 */
public record CoordinatorStats(
    Map<TaskPool, Long> queued, long live, long acceptedTotal, long completedTotal) {
  /** Canonical constructor; copies {@code queued}. */
  public CoordinatorStats {
    queued = Map.copyOf(queued);
  }

  /** Tasks waiting in {@code pool} (0 if unknown). */
  public long queued(TaskPool pool) {
    return queued.getOrDefault(pool, 0L);
  }
}

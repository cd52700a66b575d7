package io.taskgrid.coordinator.internal.sched;

import java.util.Map;

/**
 * What one pool (or the unresolved area) holds at an instant, for scrape-time metrics and status:
 * taken on the owner's serial executor by one pass over its waiting and running tasks.
 *
 * @param queued tasks waiting: in the queue, in a retry backoff or held by a type limit
 * @param heldByTypeLimit of those, the ones held because their type is at its limit
 * @param oldestQueuedMillis when the oldest waiting task was accepted (clock millis), or -1
 * @param oldestRunningMillis when the longest-running attempt started (clock millis), or -1
 * @param waitingWithoutWorker waiting tasks by type, for the types no connected (non-draining)
 *     worker offers in this pool
 */
public record PoolSnapshot(
    int queued,
    int heldByTypeLimit,
    long oldestQueuedMillis,
    long oldestRunningMillis,
    Map<String, Integer> waitingWithoutWorker) {
  /** Nothing waiting, nothing running. */
  public static final PoolSnapshot EMPTY = new PoolSnapshot(0, 0, -1, -1, Map.of());

  public PoolSnapshot {
    waitingWithoutWorker = Map.copyOf(waitingWithoutWorker);
  }
}

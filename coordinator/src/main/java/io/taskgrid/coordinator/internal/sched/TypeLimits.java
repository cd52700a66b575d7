package io.taskgrid.coordinator.internal.sched;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Concurrency limits per task type (the {@code asyncio.Semaphore} idea, enforced by the scheduler):
 * at most {@code limit} tasks of a limited type run at once. A task polled while its type is at the
 * limit is held here, in the order it was polled, instead of going back to the queue, so it never
 * blocks the tasks of other types behind it; when a task of that type stops running, the oldest
 * held one is handed back. Not thread-safe: owned by one pool scheduler's serial executor.
 */
final class TypeLimits {
  private final Map<String, Integer> limits;
  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, ArrayDeque<LiveTask>> held = new HashMap<>();
  private int heldCount;

  /**
   * @param limits the most running tasks per type; types not listed are unlimited
   */
  TypeLimits(Map<String, Integer> limits) {
    this.limits = Map.copyOf(limits);
  }

  /** Whether a task of this type may start now; if not, the task is held. */
  boolean admitOrHold(LiveTask t) {
    String type = t.spec.getType();
    Integer limit = limits.get(type);
    if (limit == null || running.getOrDefault(type, 0) < limit) {
      return true;
    }
    held.computeIfAbsent(type, k -> new ArrayDeque<>()).addLast(t);
    heldCount++;
    return false;
  }

  /** A task of a type was leased. */
  void started(LiveTask t) {
    String type = t.spec.getType();
    if (limits.containsKey(type)) {
      running.merge(type, 1, Integer::sum);
    }
  }

  /**
   * A task stopped running (ended, re-queued or lost). Returns the oldest held task of its type
   * that is still queued, to put back at the front of the queue, or null.
   */
  @Nullable LiveTask stopped(LiveTask t) {
    String type = t.spec.getType();
    if (!limits.containsKey(type)) {
      return null;
    }
    running.computeIfPresent(type, (k, n) -> n <= 1 ? null : n - 1);
    ArrayDeque<LiveTask> waiting = held.get(type);
    while (waiting != null && !waiting.isEmpty()) {
      LiveTask next = waiting.pollFirst();
      heldCount--;
      if (waiting.isEmpty()) {
        held.remove(type);
      }
      if (next.state == io.taskgrid.proto.v1.TaskState.QUEUED) {
        return next;
      }
      // Cancelled while held: dropped lazily, like the queue does.
    }
    return null;
  }

  /** Tasks held because their type is at its limit. */
  int heldCount() {
    return heldCount;
  }

  /** Running tasks of a type (limited types only; 0 for others). For tests. */
  int running(String type) {
    return running.getOrDefault(type, 0);
  }
}

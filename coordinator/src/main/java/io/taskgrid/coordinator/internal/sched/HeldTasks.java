package io.taskgrid.coordinator.internal.sched;

import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * The tasks of one type held back by its type limit, in the order they get a permit: higher
 * priority first, and in the order they were held at equal priority (as the pool's queue orders
 * them). Confined to the pool scheduler's executor, like {@link TypeLimits}.
 */
final class HeldTasks {
  private record Held(LiveTask task, long sequence) implements Comparable<Held> {
    @Override
    public int compareTo(Held o) {
      int c = Integer.compare(o.task.priority(), task.priority());
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  private final PriorityQueue<Held> heap = new PriorityQueue<>();
  private long sequence;

  /** Holds a task behind those of higher or equal priority held before it. */
  void addLast(LiveTask t) {
    heap.add(new Held(t, sequence++));
  }

  /** The next task to get a permit, or null. */
  @Nullable LiveTask peekFirst() {
    Held h = heap.peek();
    return h == null ? null : h.task();
  }

  /** Removes and returns the next task to get a permit, or null. */
  @Nullable LiveTask pollFirst() {
    Held h = heap.poll();
    return h == null ? null : h.task();
  }

  boolean isEmpty() {
    return heap.isEmpty();
  }

  int size() {
    return heap.size();
  }

  /** Visits every held task, in no particular order (for scrape-time metrics). */
  void forEach(java.util.function.Consumer<LiveTask> visitor) {
    for (Held h : heap) {
      visitor.accept(h.task());
    }
  }
}

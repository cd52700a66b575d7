package io.taskgrid.coordinator.internal.sched;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Store writes of one kind, at most {@code maxInFlight} at a time: the records handed in while that
 * many are in flight wait, merged, and go as one write when one of them ends (group commit).
 *
 * <p>Why: the schedulers hand the store one write per step, and a step can be one worker's one
 * result. When the store is slower than the workers (synchronous backups on other members, a CPU
 * shared with many workers), writes issued at once queued up as Hazelcast operations without bound:
 * a 1,000,000-task drain by 100 workers over 3 coordinators held 60,000 operations per coordinator
 * (a million, with 1 GB of heap, at 3,000,000 tasks), until they were refused for not starting
 * within Hazelcast's 60 s call timeout. Merged, the same records are a few large writes, which the
 * store does in one operation per partition. When nothing is in flight a write goes at once, so a
 * lone task's round trip waits for nothing.
 *
 * <p>A write must complete its stage once it is done with its records (successfully or not); its
 * retries, if any, are its own. Thread-safe: handed records from the pools' executors, completed on
 * the store's threads.
 */
final class CoalescingWrites<T> {
  /** What one write carries: the records, and how many {@link #submit} calls they came from. */
  record Batch<T>(List<T> records, int calls) {}

  private final int maxInFlight;
  private final int maxBatch;
  private final Function<Batch<T>, CompletionStage<?>> write;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private int inFlight;

  /** What was handed in while maxInFlight writes were in flight, one element per call. */
  @GuardedBy("lock")
  private final ArrayDeque<List<T>> waiting = new ArrayDeque<>();

  /**
   * @param maxInFlight writes in flight at most
   * @param maxBatch records per merged write at most (a larger backlog goes as several writes; one
   *     call's records are never split), so that no store operation holds a partition thread long
   * @param write issues one write; its stage completes when the write is done with its records
   */
  CoalescingWrites(int maxInFlight, int maxBatch, Function<Batch<T>, CompletionStage<?>> write) {
    if (maxInFlight < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("maxInFlight and maxBatch must be at least 1");
    }
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.write = write;
  }

  /**
   * Writes {@code records} now if fewer than maxInFlight writes are in flight, else merged later.
   */
  void submit(List<T> records) {
    synchronized (lock) {
      if (inFlight >= maxInFlight) {
        waiting.add(records);
        return;
      }
      inFlight++;
    }
    issue(new Batch<>(records, 1));
  }

  /**
   * Records handed in and waiting for a write in flight to end: a pass over the calls that wait,
   * under the monitor, so for metrics at scrape time and tests, never the per-write path.
   */
  int waiting() {
    synchronized (lock) {
      return waiting.stream().mapToInt(List::size).sum();
    }
  }

  /** Writes issued and not ended (at most maxInFlight): for metrics at scrape time and tests. */
  int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  private void issue(Batch<T> batch) {
    CompletionStage<?> done;
    try {
      done = write.apply(batch);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete((v, e) -> next());
  }

  /** One write ended: the next merged batch takes its place, if any waits. */
  private void next() {
    List<T> records;
    int calls = 0;
    synchronized (lock) {
      if (waiting.isEmpty()) {
        inFlight--;
        return;
      }
      records = new ArrayList<>();
      while (!waiting.isEmpty()
          && (calls == 0 || records.size() + waiting.peek().size() <= maxBatch)) {
        records.addAll(waiting.poll());
        calls++;
      }
    }
    issue(new Batch<>(records, calls));
  }
}

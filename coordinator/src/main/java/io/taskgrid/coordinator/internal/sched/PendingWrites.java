package io.taskgrid.coordinator.internal.sched;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the scheduler's store writes in flight, so that a stopping coordinator can wait until
 * every lease and result it recorded is stored before its member leaves the cluster. One atomic
 * increment and decrement per batch; nothing else on the hot path. Thread-safe.
 */
final class PendingWrites {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;

  /** A write was issued. */
  void started() {
    inFlight.incrementAndGet();
  }

  /** A write completed (or failed). */
  void ended() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.complete(null);
    }
  }

  /** Completes once no write is in flight (writes issued later are not waited for). */
  CompletableFuture<Void> drained() {
    draining = true;
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }
}

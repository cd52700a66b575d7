package io.taskgrid.worker.internal.io;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Measures how late an event loop runs a timer: it schedules itself every {@code interval} and
 * reports, each time it runs, how long after its due time that was. A loop blocked by a handler
 * shows up as lag. Time comes from an injected ticker (nanoseconds), so tests can drive it.
 */
final class EventLoopLagProbe implements Runnable {
  private final ScheduledExecutorService loop;
  private final LongSupplier ticker;
  private final long intervalNanos;
  private final DoubleConsumer lagSeconds;

  // Written and read on the loop thread (and by tests calling run() directly, one at a time).
  private long dueNanos;
  private volatile @Nullable Future<?> next;
  private volatile boolean stopped;

  EventLoopLagProbe(
      ScheduledExecutorService loop,
      LongSupplier ticker,
      long intervalNanos,
      DoubleConsumer lagSeconds) {
    this.loop = loop;
    this.ticker = ticker;
    this.intervalNanos = intervalNanos;
    this.lagSeconds = lagSeconds;
  }

  void start() {
    scheduleNext();
  }

  @Override
  public void run() {
    long late = ticker.getAsLong() - dueNanos;
    lagSeconds.accept(Math.max(0, late) / 1e9);
    scheduleNext();
  }

  void stop() {
    stopped = true;
    Future<?> f = next;
    if (f != null) {
      f.cancel(false);
    }
  }

  private void scheduleNext() {
    if (stopped) {
      return;
    }
    dueNanos = ticker.getAsLong() + intervalNanos;
    try {
      next = loop.schedule(this, intervalNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      stopped = true; // the loop is shutting down
    }
  }
}

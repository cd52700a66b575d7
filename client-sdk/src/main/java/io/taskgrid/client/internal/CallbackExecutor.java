package io.taskgrid.client.internal;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's own executor for completion callbacks: {@code base} threads that take one delivery
 * (one future's completion) at a time from a queue, plus one more thread for every tick in which
 * deliveries waited and none finished, that is while every thread is held by a callback that blocks
 * (on a latch, on a sibling future's {@code get()}, on I/O). So a blocking callback delays the
 * others by about a tick at most instead of stalling them, and a callback that waits for a sibling
 * future whose completion is queued behind it cannot deadlock.
 *
 * <p>Cost: submitting a delivery is a plain {@link ThreadPoolExecutor} hand-off (no thread per
 * completion); the watch wakes every {@link #TICK_MS} ms and reads two counters. Threads added for
 * a stall end after {@link #EXTRA_KEEP_ALIVE_MS} ms idle; at most {@link #MAX_THREADS} in all.
 */
public final class CallbackExecutor extends ThreadPoolExecutor {
  private static final Logger log = LoggerFactory.getLogger(CallbackExecutor.class);

  /**
   * How often the watch looks for a stall; also about the longest a blocked thread delays others.
   */
  static final long TICK_MS = 10;

  /** How long a thread added for a stall stays idle before it ends. */
  static final long EXTRA_KEEP_ALIVE_MS = 1_000;

  /** Bound on the threads, so that callbacks that never return cannot exhaust the process. */
  public static final int MAX_THREADS = 512;

  private final int base;
  private final LongAdder finished = new LongAdder();
  private final ScheduledThreadPoolExecutor watch;

  // Confined to the watch thread.
  private long finishedAtLastTick = -1;
  private boolean warnedAtMax;

  /**
   * @param base the threads kept (at least one)
   * @param name the threads' name prefix ({@code name-N}; the watch is {@code name-watch-N})
   */
  public CallbackExecutor(int base, String name) {
    super(
        base,
        Math.max(base, MAX_THREADS),
        EXTRA_KEEP_ALIVE_MS,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        new NamedThreadFactory(name));
    this.base = base;
    this.watch = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name + "-watch"));
    watch.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void afterExecute(Runnable r, Throwable t) {
    finished.increment();
  }

  /** On the watch thread: adds a thread when deliveries wait and none finished since last tick. */
  void tick() {
    long done = finished.sum();
    boolean stalled = !getQueue().isEmpty() && done == finishedAtLastTick;
    finishedAtLastTick = done;
    int core = getCorePoolSize();
    if (stalled) {
      if (core < getMaximumPoolSize()) {
        // Starts a thread at once for the queued deliveries (ThreadPoolExecutor#setCorePoolSize).
        setCorePoolSize(core + 1);
        log.debug("every callback thread is blocked: {} threads now", core + 1);
      } else if (!warnedAtMax) {
        warnedAtMax = true;
        log.warn(
            "all {} completion callback threads are blocked in callbacks; futures wait until one"
                + " returns (a callback should not block for long)",
            core);
      }
    } else if (core > base && getQueue().isEmpty()) {
      // The threads still blocked stay, with one spare beside them; the idle extra ones end after
      // their keep-alive. Set only on a change: lowering the core size interrupts idle threads.
      int target = Math.min(core, Math.max(base, getActiveCount() + 1));
      if (target != core) {
        setCorePoolSize(target);
      }
      warnedAtMax = false;
    }
  }

  @Override
  public void shutdown() {
    watch.shutdownNow();
    super.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    watch.shutdownNow();
    return super.shutdownNow();
  }
}

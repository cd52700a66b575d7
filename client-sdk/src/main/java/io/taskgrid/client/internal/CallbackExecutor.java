package io.taskgrid.client.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's own executor for completion callbacks: {@code base} threads that take one delivery
 * (one future's completion) at a time from a queue, plus one more thread for every tick in which
 * deliveries waited, none finished, and every thread was blocked in a callback (waiting on a latch,
 * on a sibling future's {@code get()}, on a lock: not runnable). So a blocking callback delays the
 * others by about a tick at most instead of stalling them, and a callback that waits for a sibling
 * future whose completion is queued behind it cannot deadlock. Threads that are merely slow, or not
 * scheduled on a busy machine, are runnable and add nothing.
 *
 * <p>Cost: submitting a delivery is a plain {@link ThreadPoolExecutor} hand-off (no thread per
 * completion) plus two volatile writes and a counter increment around it; the watch wakes every
 * {@link #TICK_MS} ms and reads two counters (the threads' states only when nothing moved). Threads
 * added for a stall end after {@link #EXTRA_KEEP_ALIVE_MS} ms idle; at most {@link #MAX_THREADS}.
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
  private final List<CallbackThread> threads;
  private final ScheduledThreadPoolExecutor watch;

  // Confined to the watch thread.
  private long finishedAtLastTick = -1;
  private boolean warnedAtMax;

  /**
   * @param base the threads kept (at least one)
   * @param name the threads' name prefix ({@code name-N}; the watch is {@code name-watch-N})
   */
  public CallbackExecutor(int base, String name) {
    this(base, name, new CopyOnWriteArrayList<>());
  }

  private CallbackExecutor(int base, String name, List<CallbackThread> threads) {
    super(
        base,
        Math.max(base, MAX_THREADS),
        EXTRA_KEEP_ALIVE_MS,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        new CallbackThreads(name, threads));
    this.base = base;
    this.threads = threads;
    this.watch = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(name + "-watch"));
    watch.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void beforeExecute(Thread t, Runnable r) {
    if (t instanceof CallbackThread c) {
      c.busy = true;
    }
  }

  @Override
  protected void afterExecute(Runnable r, Throwable t) {
    if (Thread.currentThread() instanceof CallbackThread c) {
      c.busy = false;
    }
    finished.increment();
  }

  /** On the watch thread: adds a thread when deliveries wait behind callbacks that all block. */
  void tick() {
    long done = finished.sum();
    boolean stalled =
        !getQueue().isEmpty() && done == finishedAtLastTick && everyThreadBlockedInACallback();
    finishedAtLastTick = done;
    int core = getCorePoolSize();
    if (stalled) {
      if (core < getMaximumPoolSize()) {
        // Starts a thread at once for the queued deliveries (ThreadPoolExecutor#setCorePoolSize).
        setCorePoolSize(core + 1);
        log.debug("every callback thread is blocked in a callback: {} threads now", core + 1);
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

  /**
   * Whether every thread runs a callback and none of them is runnable. A runnable one (computing,
   * or waiting for a core on a busy machine) will finish by itself; an idle one takes the queue.
   */
  private boolean everyThreadBlockedInACallback() {
    if (threads.isEmpty()) {
      return false;
    }
    for (CallbackThread t : threads) {
      if (!t.busy || t.getState() == Thread.State.RUNNABLE) {
        return false;
      }
    }
    return true;
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

  /** A callback thread, flagged while it runs a callback. */
  private static final class CallbackThread extends Thread {
    volatile boolean busy;

    CallbackThread(Runnable r, String name) {
      super(r, name);
    }
  }

  /** Daemon {@link CallbackThread}s named {@code name-N}, listed while they live. */
  private static final class CallbackThreads implements ThreadFactory {
    private final String name;
    private final List<CallbackThread> live;
    private final AtomicInteger next = new AtomicInteger(1);

    CallbackThreads(String name, List<CallbackThread> live) {
      this.name = name;
      this.live = live;
    }

    @Override
    public Thread newThread(Runnable r) {
      CallbackThread[] self = new CallbackThread[1];
      self[0] =
          new CallbackThread(
              () -> {
                // Listed only once it runs: a thread made but never started is not waited for.
                live.add(self[0]);
                try {
                  r.run();
                } finally {
                  live.remove(self[0]);
                }
              },
              name + "-" + next.getAndIncrement());
      // Daemon: a client the user forgot to close must not keep the JVM alive.
      self[0].setDaemon(true);
      return self[0];
    }
  }
}

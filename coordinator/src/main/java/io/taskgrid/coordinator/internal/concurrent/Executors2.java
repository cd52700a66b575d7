package io.taskgrid.coordinator.internal.concurrent;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Factories and shutdown for the coordinator's bounded, named executors. */
public final class Executors2 {
  private Executors2() {}

  /**
   * A fixed pool of {@code threads} named {@code taskgrid-coordinator-<role>-N}. Its threads are
   * {@link PoolThread}s: give it only work that never blocks and holds no lock across tasks.
   */
  public static ThreadPoolExecutor fixed(String role, int threads) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        new NamedThreadFactory(role, true));
  }

  /** shutdown, await up to {@code timeout}, then shutdownNow. */
  public static void shutdown(ExecutorService executor, Duration timeout) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

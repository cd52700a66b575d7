package io.taskgrid.worker.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shutdown of executors in the order the project uses everywhere. */
public final class Executors2 {
  private static final Logger log = LoggerFactory.getLogger(Executors2.class);

  private Executors2() {}

  /** {@code shutdown()}, waits up to {@code timeout}, then {@code shutdownNow()}. */
  public static void shutdown(ExecutorService executor, Duration timeout) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      log.debug("interrupted while shutting down an executor", e);
    }
  }
}

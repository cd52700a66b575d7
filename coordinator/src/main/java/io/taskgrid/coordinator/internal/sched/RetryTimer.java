package io.taskgrid.coordinator.internal.sched;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: how {@link TypeLimits} asks the cluster again for permits it was
 * refused (another coordinator's release is not seen locally). Injected, so tests decide when time
 * passes. Implementations never block the caller and drop tasks once they are shut down.
 */
@FunctionalInterface
public interface RetryTimer {
  void after(Duration delay, Runnable task);

  /**
   * The delay before the next try of a write that failed {@code failures} times: 100 ms, doubling
   * up to {@code max}.
   */
  static Duration backoff(int failures, Duration max) {
    long ms = 100L << Math.min(10, Math.max(0, failures - 1));
    return ms >= max.toMillis() ? max : Duration.ofMillis(ms);
  }

  /** A timer on the JDK's shared delay thread, for setups that do not bring their own. */
  static RetryTimer daemon() {
    return (delay, task) ->
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(task);
  }
}

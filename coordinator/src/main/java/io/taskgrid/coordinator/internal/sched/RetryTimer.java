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

  /** A timer on the JDK's shared delay thread, for setups that do not bring their own. */
  static RetryTimer daemon() {
    return (delay, task) ->
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(task);
  }
}

package io.taskgrid.worker.internal.rpc;

import io.taskgrid.worker.internal.Saturating;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff between reconnect attempts: the wait doubles from {@code initial} up to
 * {@code max}, each wait spread by ±20% at random but never above {@code max}, and it starts again
 * from {@code initial} after a successful connection ({@link #reset}). The random source is
 * injected so that tests choose the spread. Not thread-safe (one connection's executor uses it).
 */
final class Backoff {
  private static final double MULTIPLIER = 2.0;
  private static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;
  private long nextNanos;

  /**
   * @param random uniform values in [0, 1)
   */
  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = Saturating.toNanos(initial);
    this.maxNanos = Math.max(initialNanos, Saturating.toNanos(max));
    this.random = random;
    this.nextNanos = initialNanos;
  }

  /** The next wait, in nanoseconds; each call grows the following one, up to the cap. */
  long nextDelayNanos() {
    long base = nextNanos;
    nextNanos = (long) Math.min(maxNanos, base * MULTIPLIER);
    double spread = 1 + JITTER * (random.getAsDouble() * 2 - 1);
    return (long) Math.min(maxNanos, base * spread);
  }

  /** The coordinator answered: the next wait is the initial one again. */
  void reset() {
    nextNanos = initialNanos;
  }
}

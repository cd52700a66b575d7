package io.taskgrid.worker.internal.rpc;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with ±20% jitter, reset after a success. Not thread-safe. */
final class Backoff {
  private static final double MULTIPLIER = 2.0;
  private static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.nextNanos = initialNanos;
  }

  /** The next wait, in nanoseconds; each call grows the following one. */
  long nextDelayNanos() {
    long base = nextNanos;
    nextNanos = (long) Math.min(maxNanos, base * MULTIPLIER);
    double spread = 1 + JITTER * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return (long) (base * spread);
  }

  void reset() {
    nextNanos = initialNanos;
  }
}

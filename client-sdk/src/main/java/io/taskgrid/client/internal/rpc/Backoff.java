package io.taskgrid.client.internal.rpc;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect backoff with ±20% jitter, so that many clients cut off by the same failure
 * do not all come back at the same instant. Not thread-safe: owned by the session thread.
 */
final class Backoff {
  private static final double MULTIPLIER = 2.0;
  private static final double JITTER = 0.2;

  private final long initialMillis;
  private final long maxMillis;
  private long nextMillis;

  Backoff(long initialMillis, long maxMillis) {
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.nextMillis = initialMillis;
  }

  /** The delay before the next attempt; each call grows the following one. */
  long nextDelayMillis() {
    long base = nextMillis;
    nextMillis = Math.min(maxMillis, (long) (nextMillis * MULTIPLIER));
    double spread = 1.0 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Math.max(1, (long) (base * spread));
  }

  /** Called once the connection works again. */
  void reset() {
    nextMillis = initialMillis;
  }
}

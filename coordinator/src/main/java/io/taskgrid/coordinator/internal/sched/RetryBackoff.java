package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.RetryPolicy;
import java.util.function.DoubleSupplier;

/**
 * The wait before a failed attempt is tried again, from the task's {@link RetryPolicy}: {@code
 * initial * multiplier^(attempt - 1)}, plus up to {@code jitter} of that at random, capped at
 * {@code max}. Pure apart from the injected random source, so tests pick the jitter. Thread-safe if
 * the random source is.
 */
final class RetryBackoff {
  /** The multiplier when the policy leaves it 0 (the proto's documented default). */
  static final double DEFAULT_MULTIPLIER = 2.0;

  private final DoubleSupplier random;

  /**
   * @param random uniform values in [0, 1) that spread the waits
   */
  RetryBackoff(DoubleSupplier random) {
    this.random = random;
  }

  /**
   * The wait in milliseconds after attempt {@code failedAttempt} (1-based) failed; 0 means at once
   * (no backoff configured).
   */
  long delayMillis(RetryPolicy policy, int failedAttempt) {
    long initial = policy.getInitialBackoffMs();
    if (initial <= 0) {
      return 0;
    }
    double multiplier =
        policy.getBackoffMultiplier() > 0 ? policy.getBackoffMultiplier() : DEFAULT_MULTIPLIER;
    double max = policy.getMaxBackoffMs() > 0 ? policy.getMaxBackoffMs() : Double.MAX_VALUE;
    double base = Math.min(max, initial * Math.pow(multiplier, Math.max(0, failedAttempt - 1)));
    double jitter = Math.min(1.0, Math.max(0.0, policy.getJitter()));
    // A double past Long.MAX_VALUE casts to Long.MAX_VALUE: the wait saturates.
    return (long) Math.min(max, base * (1.0 + jitter * random.getAsDouble()));
  }

  /** When a retry waiting {@code delayMillis} from {@code nowMillis} is due; saturates. */
  static long dueAt(long nowMillis, long delayMillis) {
    long due = nowMillis + delayMillis;
    // Overflow iff both operands have the sign opposite to the sum's: a wait past the end of
    // time is a wait that never ends, not one that already has.
    if (((nowMillis ^ due) & (delayMillis ^ due)) < 0) {
      return delayMillis > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return due;
  }
}

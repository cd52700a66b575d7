package io.taskgrid.worker.internal;

import java.time.Duration;

/**
 * Time arithmetic that cannot overflow: results past {@code Long.MAX_VALUE} (or below {@code
 * Long.MIN_VALUE}) stick at the bound. A timeout of {@code Long.MAX_VALUE} ms is then a wait that
 * never fires on its own, which is what its sender meant, instead of an {@link ArithmeticException}
 * that escapes the worker's code and strands the task.
 */
public final class Saturating {
  private Saturating() {}

  /** {@code a + b}, clamped to the range of a long. */
  public static long add(long a, long b) {
    long sum = a + b;
    // Overflow iff both operands have the sign opposite to the sum's.
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  /** The duration in nanoseconds, clamped to the range of a long. */
  public static long toNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** The duration in milliseconds, clamped to the range of a long. */
  public static long toMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}

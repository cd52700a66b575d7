package io.taskgrid.cli.internal;

import java.math.BigInteger;

/** The seeds' CPU benchmark, computed on one thread of this JVM as the demo's baseline. */
final class SumOfSquares {
  /**
   * The largest block whose partial sum of squares fits in a long for every i below {@link
   * #MAX_N}: 50,000 * (2^31)^2 would overflow, but the demo's n stays far below that.
   */
  private static final int BLOCK = 50_000;

  private static final long MAX_N = 3_037_000_499L;

  private SumOfSquares() {}

  /** Sum of i*i for 0 <= i < n, by adding the squares one by one (the seeds' loop). */
  static BigInteger loop(long n) {
    if (n < 0 || n > MAX_N) {
      throw new IllegalArgumentException("n: " + n + " (expected: 0.." + MAX_N + ")");
    }
    BigInteger total = BigInteger.ZERO;
    for (long start = 0; start < n; start += BLOCK) {
      long end = Math.min(n, start + BLOCK);
      long partial = 0;
      for (long i = start; i < end; i++) {
        partial += i * i;
      }
      total = total.add(BigInteger.valueOf(partial));
    }
    return total;
  }

  /** The closed form n(n-1)(2n-1)/6, to check every result exactly. */
  static BigInteger closedForm(long n) {
    BigInteger big = BigInteger.valueOf(n);
    return big.multiply(big.subtract(BigInteger.ONE))
        .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
        .divide(BigInteger.valueOf(6));
  }
}

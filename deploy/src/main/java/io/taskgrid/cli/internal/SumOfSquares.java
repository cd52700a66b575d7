package io.taskgrid.cli.internal;

import io.taskgrid.worker.internal.handlers.SumSquaresHandler;
import java.math.BigInteger;

/** The seeds' CPU benchmark on one thread of this JVM (the demo's baseline) and its closed form. */
final class SumOfSquares {
  private SumOfSquares() {}

  /**
   * Sum of i*i for 0 <= i < n, by adding the squares one by one (the seeds' loop): the very code
   * the CPU children run, so that the sequential baseline does the same work.
   */
  static BigInteger loop(long n) {
    try {
      return SumSquaresHandler.sumSquares(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Warms this JVM's copy of the loop up exactly as each CPU child warms its own before its first
   * task ({@link SumSquaresHandler#warmUp}), so that the sequential baseline runs the same compiled
   * code as the children: a JIT trained on the seeds' small tasks first compiled a version ~3.5 %
   * slower on the sized job's tasks (95.7 against 92.3 ms of CPU), which would have flattered the
   * cluster.
   */
  static void warmUp() {
    try {
      new SumSquaresHandler().warmUp();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The closed form n(n-1)(2n-1)/6, to check every result exactly. */
  static BigInteger closedForm(long n) {
    BigInteger big = BigInteger.valueOf(n);
    return big.multiply(big.subtract(BigInteger.ONE))
        .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
        .divide(BigInteger.valueOf(6));
  }
}

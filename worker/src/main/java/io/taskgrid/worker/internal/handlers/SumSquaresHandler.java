package io.taskgrid.worker.internal.handlers;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.CpuTaskHandler;
import io.taskgrid.worker.TaskContext;
import java.math.BigInteger;

/**
 * {@code sum_squares}: the exact sum of {@code i*i} for {@code 0 <= i < n}, the seeds' CPU
 * benchmark. It loops (that is the point of the benchmark) with a 128-bit accumulator in two longs,
 * so it is exact for every {@code long n} and about as fast as a plain {@code long} loop.
 */
public final class SumSquaresHandler extends CpuTaskHandler<Long, BigInteger> {
  /** Iterations between two checks for an interrupt. */
  private static final int CHECK_EVERY = 1 << 20;

  @Override
  public String name() {
    return "sum_squares";
  }

  @Override
  public Codec<Long> inputCodec() {
    return Codecs.longs();
  }

  @Override
  public Codec<BigInteger> outputCodec() {
    return Codecs.bigInteger();
  }

  @Override
  protected BigInteger compute(Long n, TaskContext context) throws InterruptedException {
    return sumSquares(n);
  }

  /**
   * Enough calls for C2 to compile the loop as a whole method before the first task, with the
   * branch profile of real tasks: the calls span several interrupt-check blocks, and half of them
   * start at squares as large as the demo's (~250 million), where the blocks shrink to keep their
   * sum in a long and the 128-bit accumulator carries. A warm-up on small numbers only taught the
   * JIT that those branches are never taken: the first real task hit them, the compiled code was
   * thrown away, and tasks ran ~1.6x slower in C1 code until C2 compiled the method again. About 12
   * million squares: tens of milliseconds, once per child.
   */
  @Override
  public void warmUp() throws InterruptedException {
    long sum = 0;
    for (int i = 0; i < WARM_UP_CALLS; i++) {
      long from = i % 2 == 0 ? 0 : WARM_UP_LARGE + i;
      sum += sumSquares(from, from + WARM_UP_SQUARES, WARM_UP_BLOCK).longValue();
    }
    if (sum == 42) { // never: keeps the JIT from dropping the calls as dead code
      throw new IllegalStateException("impossible sum");
    }
  }

  private static final int WARM_UP_CALLS = 3_000;
  private static final int WARM_UP_SQUARES = 4_000;
  private static final int WARM_UP_BLOCK = 1_000;
  private static final long WARM_UP_LARGE = 250_000_000L;

  /**
   * The exact sum of {@code i*i} for {@code 0 <= i < n} (0 for {@code n <= 0}).
   *
   * <p>The squares are added one by one (that is the benchmark), in blocks short enough that a
   * block's sum fits in a {@code long}: the inner loop is a plain {@code long} loop that the JIT
   * unrolls and vectorizes, and only the block sums go into the 128-bit accumulator.
   *
   * @throws InterruptedException if the thread is interrupted while it runs
   */
  public static BigInteger sumSquares(long n) throws InterruptedException {
    if (n > MAX_N) {
      throw new IllegalArgumentException(
          "n: " + n + " (expected: <= " + MAX_N + ", the sum must fit in 128 bits)");
    }
    return sumSquares(0, n);
  }

  /** The exact sum of {@code i*i} for {@code from <= i < to}, for {@code 0 <= from}. */
  static BigInteger sumSquares(long from, long to) throws InterruptedException {
    return sumSquares(from, to, CHECK_EVERY);
  }

  /** As above, checking for an interrupt every {@code checkEvery} squares. */
  static BigInteger sumSquares(long from, long to, int checkEvery) throws InterruptedException {
    long hi = 0;
    long lo = 0;
    long i = from;
    while (i < to) {
      long end = blockEnd(i, to, checkEvery);
      if (end <= SQUARE_FITS) {
        long partial = 0;
        for (long j = i; j < end; j++) {
          partial += j * j;
        }
        long sum = lo + partial;
        hi += Long.compareUnsigned(sum, lo) < 0 ? 1 : 0;
        lo = sum;
      } else {
        // Squares beyond 2^63: one 128-bit addition per square.
        for (long j = i; j < end; j++) {
          long sum = lo + j * j;
          hi += Math.multiplyHigh(j, j) + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
          lo = sum;
        }
      }
      i = end;
      if (Thread.interrupted()) {
        throw new InterruptedException("sum_squares interrupted at i=" + i);
      }
    }
    return BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
  }

  /** The largest n whose sum of squares, about n^3/3, fits in a signed 128-bit accumulator. */
  static final long MAX_N = 7_000_000_000_000L;

  /** {@code (SQUARE_FITS - 1)^2} is the largest square below 2^63. */
  private static final long SQUARE_FITS = 3_037_000_500L;

  /**
   * The end of the block that starts at {@code i}: at most {@link #CHECK_EVERY} squares (so that an
   * interrupt is seen within a millisecond or so), and, below {@link #SQUARE_FITS}, few enough that
   * their sum fits in a long.
   */
  private static long blockEnd(long i, long to, int checkEvery) {
    long end = to - i > checkEvery ? i + checkEvery : to;
    if (i >= SQUARE_FITS) {
      return end;
    }
    end = Math.min(end, SQUARE_FITS);
    long largest = (end - 1) * (end - 1);
    if (largest > 0) {
      end = Math.min(end, i + Math.max(1, Long.MAX_VALUE / largest));
    }
    return end;
  }
}

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
   * The exact sum of {@code i*i} for {@code 0 <= i < n} (0 for {@code n <= 0}).
   *
   * @throws InterruptedException if the thread is interrupted while it runs
   */
  public static BigInteger sumSquares(long n) throws InterruptedException {
    long hi = 0;
    long lo = 0;
    for (long i = 0; i < n; i++) {
      long sqLo = i * i;
      long sqHi = Math.multiplyHigh(i, i);
      long sum = lo + sqLo;
      // Unsigned overflow of the low word carries into the high word.
      hi += sqHi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
      lo = sum;
      if ((i & (CHECK_EVERY - 1)) == 0 && Thread.interrupted()) {
        throw new InterruptedException("sum_squares interrupted at i=" + i);
      }
    }
    return BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
  }
}

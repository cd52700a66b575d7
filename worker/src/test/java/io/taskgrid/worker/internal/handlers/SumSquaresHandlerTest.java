package io.taskgrid.worker.internal.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SumSquaresHandlerTest {

  @Test
  void sumSquares_tenMillion_exactSeedsValue() throws Exception {
    assertThat(SumSquaresHandler.sumSquares(10_000_000))
        .isEqualTo(new BigInteger("333333283333335000000"));
  }

  @Test
  void sumSquares_smallAndEmpty_matchClosedForm() throws Exception {
    assertThat(SumSquaresHandler.sumSquares(0)).isEqualTo(BigInteger.ZERO);
    assertThat(SumSquaresHandler.sumSquares(-5)).isEqualTo(BigInteger.ZERO);
    for (long n : new long[] {1, 2, 3, 10, 1_000, 123_457}) {
      BigInteger big = BigInteger.valueOf(n);
      BigInteger closed =
          big.subtract(BigInteger.ONE)
              .multiply(big)
              .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
              .divide(BigInteger.valueOf(6));
      assertThat(SumSquaresHandler.sumSquares(n)).as("n=%d", n).isEqualTo(closed);
    }
  }

  @Test
  void sumSquares_rangesAcrossTheBlockAndLongLimits_matchClosedForm() throws Exception {
    long[][] ranges = {
      {0, 3_000_001}, // several blocks that shrink as the squares grow
      {3_037_000_490L, 3_037_000_510L}, // squares cross 2^63
      {4_000_000_000L, 4_000_000_100L}, // every square beyond 2^63
      {SumSquaresHandler.MAX_N - 10, SumSquaresHandler.MAX_N}, // the largest sum that fits
    };
    for (long[] range : ranges) {
      assertThat(SumSquaresHandler.sumSquares(range[0], range[1]))
          .as("[%d, %d)", range[0], range[1])
          .isEqualTo(closedForm(range[1]).subtract(closedForm(range[0])));
    }
  }

  @Test
  void sumSquares_smallBlocksAsInTheWarmUp_sameExactSums() throws Exception {
    long[][] ranges = {{0, 4_000}, {250_000_001L, 250_004_001L}, {0, 3_000_001}};
    for (long[] range : ranges) {
      assertThat(SumSquaresHandler.sumSquares(range[0], range[1], 1_000))
          .as("[%d, %d)", range[0], range[1])
          .isEqualTo(closedForm(range[1]).subtract(closedForm(range[0])));
    }
  }

  @Test
  void warmUp_runsAndLeavesTheHandlerExact() throws Exception {
    SumSquaresHandler handler = new SumSquaresHandler();

    handler.warmUp();

    assertThat(SumSquaresHandler.sumSquares(10_000_000))
        .isEqualTo(new BigInteger("333333283333335000000"));
  }

  private static BigInteger closedForm(long n) {
    BigInteger big = BigInteger.valueOf(n);
    return big.subtract(BigInteger.ONE)
        .multiply(big)
        .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
        .divide(BigInteger.valueOf(6));
  }

  @Test
  void sumSquares_beyondMaxN_rejectedWithReason() {
    assertThatThrownBy(() -> SumSquaresHandler.sumSquares(SumSquaresHandler.MAX_N + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("128 bits");
  }

  @Test
  void sumSquares_interrupted_throws() {
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> SumSquaresHandler.sumSquares(10))
        .isInstanceOf(InterruptedException.class);
  }
}

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
  void sumSquares_interrupted_throws() {
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> SumSquaresHandler.sumSquares(10))
        .isInstanceOf(InterruptedException.class);
  }
}

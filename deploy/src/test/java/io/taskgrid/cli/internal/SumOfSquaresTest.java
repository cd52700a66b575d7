package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SumOfSquaresTest {
  @Test
  void loop_seedsN_exactBeyondLongRange() {
    assertThat(SumOfSquares.loop(10_000_000L)).isEqualTo(new BigInteger("333333283333335000000"));
  }

  @Test
  void loop_smallN_matchesClosedForm() {
    for (long n = 0; n < 200; n++) {
      assertThat(SumOfSquares.loop(n)).as("n=%d", n).isEqualTo(SumOfSquares.closedForm(n));
    }
  }
}

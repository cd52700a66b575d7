package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapProbeTest {
  @Test
  void readsTheBytesOfTheTotalLine() {
    String histogram =
        "12345:\n"
            + " num     #instances         #bytes  class name (module)\n"
            + "-------------------------------------------------------\n"
            + "   1:         10000         480000  [B (java.base@17)\n"
            + "   2:          5000         120000  java.lang.String (java.base@17)\n"
            + "Total         15000         600000\n";

    assertThat(HeapProbe.parseTotal(histogram)).isEqualTo(600_000L);
  }

  @Test
  void failsClearlyWithoutATotalLine() {
    assertThatThrownBy(() -> HeapProbe.parseTotal("12345:\nCould not attach\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Total");
  }
}

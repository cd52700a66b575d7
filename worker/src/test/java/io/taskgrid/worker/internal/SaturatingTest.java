package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SaturatingTest {
  @Test
  void add_pastEitherBound_sticksAtTheBound() {
    assertThat(Saturating.add(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.add(1_700_000_000_000L, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.add(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(Saturating.add(-5, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void add_inRange_exact() {
    assertThat(Saturating.add(40, 2)).isEqualTo(42);
    assertThat(Saturating.add(Long.MAX_VALUE, -1)).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(Saturating.add(Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(-1);
  }

  @Test
  void toNanosAndMillis_hugeDurations_saturate() {
    assertThat(Saturating.toNanos(Duration.ofMillis(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.toNanos(Duration.ofMillis(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
    assertThat(Saturating.toMillis(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.toNanos(Duration.ofMillis(3))).isEqualTo(3_000_000);
  }
}

package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.RetryPolicy;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
  private static final RetryPolicy POLICY =
      RetryPolicy.newBuilder()
          .setMaxAttempts(10)
          .setInitialBackoffMs(100)
          .setMaxBackoffMs(1_000)
          .setBackoffMultiplier(3)
          .setJitter(0.5)
          .build();

  @Test
  void delayMillis_noJitterDrawn_exponentialThenCapped() {
    RetryBackoff backoff = new RetryBackoff(() -> 0.0);

    assertThat(backoff.delayMillis(POLICY, 1)).isEqualTo(100);
    assertThat(backoff.delayMillis(POLICY, 2)).isEqualTo(300);
    assertThat(backoff.delayMillis(POLICY, 3)).isEqualTo(900);
    assertThat(backoff.delayMillis(POLICY, 4)).isEqualTo(1_000);
    assertThat(backoff.delayMillis(POLICY, 60)).isEqualTo(1_000);
  }

  @Test
  void delayMillis_jitterDrawn_addsThatFractionOfTheWaitBelowTheCap() {
    RetryBackoff backoff = new RetryBackoff(() -> 0.5);

    // 100 * (1 + 0.5 * 0.5) and 300 * 1.25; 900 * 1.25 is capped at 1000.
    assertThat(backoff.delayMillis(POLICY, 1)).isEqualTo(125);
    assertThat(backoff.delayMillis(POLICY, 2)).isEqualTo(375);
    assertThat(backoff.delayMillis(POLICY, 3)).isEqualTo(1_000);
  }

  @Test
  void delayMillis_zeroMultiplierAndNoMax_defaultMultiplierTwoUncapped() {
    RetryBackoff backoff = new RetryBackoff(() -> 0.0);
    RetryPolicy p = RetryPolicy.newBuilder().setInitialBackoffMs(50).build();

    assertThat(backoff.delayMillis(p, 1)).isEqualTo(50);
    assertThat(backoff.delayMillis(p, 4)).isEqualTo(400);
  }

  @Test
  void delayMillis_noInitialBackoff_retriesAtOnce() {
    RetryBackoff backoff = new RetryBackoff(() -> 0.9);

    assertThat(backoff.delayMillis(RetryPolicy.getDefaultInstance(), 1)).isZero();
  }

  @Test
  void delayMillis_growthPastLongMax_saturates() {
    RetryBackoff backoff = new RetryBackoff(() -> 0.99);
    RetryPolicy huge =
        RetryPolicy.newBuilder()
            .setInitialBackoffMs(86_400_000)
            .setBackoffMultiplier(1e300)
            .setJitter(1)
            .build();

    assertThat(backoff.delayMillis(huge, 5)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void dueAt_pastLongMax_saturatesInsteadOfWrappingIntoThePast() {
    assertThat(RetryBackoff.dueAt(1_700_000_000_000L, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(RetryBackoff.dueAt(1_700_000_000_000L, 500)).isEqualTo(1_700_000_000_500L);
  }
}

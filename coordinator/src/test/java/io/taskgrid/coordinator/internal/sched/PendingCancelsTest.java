package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.proto.v1.CancelOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The held cancels' limits are settings: a count per tenant and a hold time. */
class PendingCancelsTest {
  private final PendingCancels held =
      new PendingCancels(new PendingCancels.Limits(2, Duration.ofMillis(500)));

  @Test
  void hold_tenantAtItsLimit_refusedWhileAnotherTenantIsStillHeld() {
    assertThat(held.hold("a1", false, "a", waiter(), 0)).isTrue();
    assertThat(held.hold("a2", false, "a", waiter(), 0)).isTrue();

    assertThat(held.hold("a3", false, "a", waiter(), 0)).isFalse();
    assertThat(held.hold("b1", false, "b", waiter(), 0)).isTrue();
    assertThat(held.heldFor("a")).isEqualTo(2);
    assertThat(held.heldFor("b")).isEqualTo(1);
  }

  @Test
  void hold_sameIdAgainAtTheLimit_joinsItsEntryWithoutCountingTwice() {
    held.hold("a1", false, "a", waiter(), 0);
    held.hold("a2", false, "a", waiter(), 0);

    assertThat(held.hold("a1", true, "a", waiter(), 0)).isTrue();

    PendingCancels.Entry e = held.take("a1");
    assertThat(e.waiters).hasSize(2);
    assertThat(e.force).isTrue();
    assertThat(held.heldFor("a")).isEqualTo(1);
  }

  @Test
  void takeAndExpire_giveTheTenantsPlacesBack() {
    held.hold("a1", false, "a", waiter(), 0);
    held.hold("a2", false, "a", waiter(), 0);

    held.take("a1");
    assertThat(held.expire(499)).isEmpty();
    assertThat(held.expire(500)).containsOnlyKeys("a2");

    assertThat(held.heldFor("a")).isZero();
    assertThat(held.hold("a3", false, "a", waiter(), 500)).isTrue();
  }

  @Test
  void hold_adminsCountAsOneTenant() {
    held.hold("x1", false, null, waiter(), 0);
    held.hold("x2", false, null, waiter(), 0);

    assertThat(held.hold("x3", false, null, waiter(), 0)).isFalse();
    assertThat(held.heldFor(null)).isEqualTo(2);
  }

  @Test
  void hold_limitZero_holdsNothing() {
    PendingCancels none = new PendingCancels(new PendingCancels.Limits(0, Duration.ofSeconds(1)));

    assertThat(none.hold("a1", false, "a", waiter(), 0)).isFalse();
    assertThat(none.size()).isZero();
  }

  @Test
  void limits_negative_refusedWithTheFieldNamed() {
    assertThatThrownBy(() -> new PendingCancels.Limits(-1, Duration.ofSeconds(1)))
        .hasMessageContaining("maxPerTenant");
    assertThatThrownBy(() -> new PendingCancels.Limits(1, Duration.ofSeconds(-1)))
        .hasMessageContaining("holdTime");
  }

  private static CompletableFuture<CancelOutcome.Result> waiter() {
    return new CompletableFuture<>();
  }
}

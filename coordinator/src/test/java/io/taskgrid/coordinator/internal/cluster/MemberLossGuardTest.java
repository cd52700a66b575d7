package io.taskgrid.coordinator.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MemberLossGuardTest {
  private final FakeClock clock = new FakeClock();
  private final MemberLossGuard guard = new MemberLossGuard(clock, Duration.ofSeconds(1));
  private final UUID self = UUID.randomUUID();
  private final UUID a = UUID.randomUUID();
  private final UUID b = UUID.randomUUID();

  @Test
  void steadyMembers_neverHold() {
    assertThat(guard.holding(List.of(self, a, b))).isFalse();
    clock.advance(Duration.ofSeconds(5));
    assertThat(guard.holding(List.of(self, a, b))).isFalse();
  }

  @Test
  void memberJoins_noHold() {
    assertThat(guard.holding(List.of(self, a))).isFalse();
    assertThat(guard.holding(List.of(self, a, b))).isFalse();
  }

  @Test
  void memberLeaves_holdsForTheHoldFromTheFirstLookThatSawIt() {
    guard.holding(List.of(self, a, b));
    clock.advance(Duration.ofSeconds(3));

    assertThat(guard.holding(List.of(self, b))).isTrue();
    clock.advance(Duration.ofMillis(999));
    assertThat(guard.holding(List.of(self, b))).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(guard.holding(List.of(self, b))).isFalse();
  }

  @Test
  void secondLossDuringTheHold_holdsAgainFromIt() {
    guard.holding(List.of(self, a, b));
    assertThat(guard.holding(List.of(self, b))).isTrue();
    clock.advance(Duration.ofMillis(900));

    assertThat(guard.holding(List.of(self))).isTrue();
    clock.advance(Duration.ofMillis(900));
    assertThat(guard.holding(List.of(self))).isTrue();
  }

  @Test
  void memberReplacedByANewOne_isALoss() {
    guard.holding(List.of(self, a, b));
    assertThat(guard.holding(List.of(self, a, UUID.randomUUID()))).isTrue();
  }
}

package io.taskgrid.coordinator.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HeartbeatLeaseTest {
  private final FakeClock clock = new FakeClock();
  private final HeartbeatLease lease = new HeartbeatLease(clock, Duration.ofSeconds(2));
  private final UUID a = UUID.randomUUID();
  private final UUID b = UUID.randomUUID();

  @Test
  void freshAmong_heardWithinTheWindow_counts() {
    lease.heard(a);
    lease.heard(b);
    clock.advance(Duration.ofMillis(2_000));

    assertThat(lease.freshAmong(List.of(a, b))).isEqualTo(2);
  }

  @Test
  void freshAmong_silentLongerThanTheWindow_doesNotCount() {
    lease.heard(a);
    lease.heard(b);
    clock.advance(Duration.ofMillis(1_500));
    lease.heard(b);
    clock.advance(Duration.ofMillis(1_000));

    assertThat(lease.freshAmong(List.of(a, b))).isEqualTo(1);
  }

  @Test
  void freshAmong_neverHeard_countsFromWhenFirstSeen() {
    assertThat(lease.freshAmong(List.of(a))).isEqualTo(1);
    clock.advance(Duration.ofMillis(2_001));

    assertThat(lease.freshAmong(List.of(a))).isZero();
  }

  @Test
  void windowFor_isAQuarterOrOneHeartbeatShorterThanTheMemberTimeout_atLeastOneSecond() {
    assertThat(HeartbeatLease.windowFor(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(9));
    assertThat(HeartbeatLease.windowFor(Duration.ofSeconds(3))).isEqualTo(Duration.ofMillis(2_250));
    assertThat(HeartbeatLease.windowFor(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(1_500));
    assertThat(HeartbeatLease.windowFor(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
  }
}

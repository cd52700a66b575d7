package io.taskgrid.coordinator.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The minority and pause rules of {@link MinorityWatch}, on an injected clock. */
class MinorityWatchTest {
  static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(3);
  static final MinorityWatch.Settings SETTINGS = MinorityWatch.Settings.of(MEMBER_TIMEOUT);

  private final FakeClock clock = new FakeClock();
  private final List<String> events = new ArrayList<>();

  /** What the watch's settling supplier answers (ClusterQuorum asks its MemberLossGuard). */
  private boolean settling;

  private MinorityWatch watch(int members) {
    return new MinorityWatch(
        clock,
        SETTINGS,
        members,
        new MinorityWatch.Listener() {
          @Override
          public void fenced(String reason) {
            events.add("fenced: " + reason);
          }

          @Override
          public void whole(boolean rejoined) {
            events.add(rejoined ? "rejoin" : "whole");
          }
        },
        () -> settling);
  }

  @Test
  void minority_aMajorityCountedWhileTheMemberListSettles_servesOnlyOnceItHasSettled() {
    MinorityWatch w = watch(3);
    w.membersChanged(1);
    assertThat(w.serving()).isFalse();

    // Resumed from a pause: one of the two others is gone from the list, the other one is still
    // counted (its buffered heartbeats look fresh), and the list is settling.
    settling = true;
    w.membersChanged(2);
    run(w, Duration.ofSeconds(1));
    assertThat(w.serving()).isFalse();

    settling = false;
    run(w, Duration.ofSeconds(1));
    assertThat(w.serving()).isTrue();
    assertThat(events).hasSize(2).last().isEqualTo("whole");
  }

  @Test
  void paused_stillAMemberButTheListSettles_servesOnlyOnceItHasSettled() {
    MinorityWatch w = watch(3);
    w.check();
    clock.advance(MEMBER_TIMEOUT.plusSeconds(1));
    w.check();
    assertThat(w.serving()).isFalse();

    settling = true;
    run(w, SETTINGS.pauseSettle().plusSeconds(2));
    assertThat(w.serving()).isFalse();

    settling = false;
    run(w, Duration.ofSeconds(1));
    assertThat(w.serving()).isTrue();
  }

  /** Ticks once a second for {@code d}, as the coordinator's timer does. */
  private void run(MinorityWatch w, Duration d) {
    for (long s = 0; s < d.toSeconds(); s++) {
      clock.advance(Duration.ofSeconds(1));
      w.check();
    }
  }

  @Test
  void settingsOfMemberTimeout() {
    assertThat(SETTINGS.pauseSettle()).isEqualTo(Duration.ofSeconds(6));
    assertThat(SETTINGS.quorumGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(MinorityWatch.Settings.of(Duration.ofSeconds(10)).quorumGrace())
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void losingOneOfThree_keepsServing() {
    MinorityWatch w = watch(3);
    w.membersChanged(2);
    run(w, Duration.ofSeconds(20));
    assertThat(w.serving()).isTrue();
    assertThat(w.hasQuorum()).isTrue();
    assertThat(events).isEmpty();
  }

  @Test
  void losingTwoOfThree_fencesUntilAMajorityIsBack() {
    MinorityWatch w = watch(3);
    w.membersChanged(2);
    w.membersChanged(1);
    assertThat(w.serving()).isFalse();
    assertThat(w.hasQuorum()).isFalse();
    assertThat(events).singleElement().asString().contains("1 of the 3 coordinators");

    run(w, Duration.ofSeconds(5));
    assertThat(w.serving()).isFalse();
    w.membersChanged(2); // a restarted coordinator joined this side
    assertThat(w.serving()).isTrue();
    assertThat(events).hasSize(2).last().isEqualTo("whole");
  }

  @Test
  void minorityWithNoOtherClusterFound_presumesTheOthersDeadAfterTheGrace() {
    MinorityWatch w = watch(3);
    w.membersChanged(1);
    run(w, SETTINGS.quorumGrace().minusSeconds(1));
    assertThat(w.serving()).isFalse();
    run(w, Duration.ofSeconds(1));
    assertThat(w.serving()).isTrue();
    assertThat(events).hasSize(2).last().isEqualTo("whole");

    // The survivors are the cluster now: losing nothing more keeps it serving.
    run(w, Duration.ofSeconds(30));
    assertThat(events).hasSize(2);
  }

  @Test
  void gracefulDepartures_areNoLoss() {
    MinorityWatch w = watch(3);
    w.departing();
    w.membersChanged(2);
    w.departing();
    w.membersChanged(1);
    assertThat(w.serving()).isTrue();
    assertThat(events).isEmpty();
  }

  @Test
  void aRestartedMemberRestoresTheBaseline() {
    MinorityWatch w = watch(3);
    w.departing();
    w.membersChanged(2);
    w.membersChanged(3); // restarted
    w.membersChanged(1); // two crash at once
    assertThat(w.serving()).isFalse();
  }

  @Test
  void twoMembers_losingOne_keepsServing() {
    MinorityWatch w = watch(2);
    w.membersChanged(1);
    assertThat(w.serving()).isTrue();
  }

  @Test
  void pauseLongerThanTheMemberTimeout_fencesThenServesIfStillAMember() {
    MinorityWatch w = watch(3);
    run(w, Duration.ofSeconds(3));
    clock.advance(MEMBER_TIMEOUT.multipliedBy(2)); // SIGSTOP
    w.check();
    assertThat(w.serving()).isFalse();
    // Paused but still in the cluster: the store stays usable by the others.
    assertThat(w.hasQuorum()).isTrue();
    assertThat(events).singleElement().asString().contains("paused for 6000 ms");

    run(w, SETTINGS.pauseSettle().minusSeconds(1));
    assertThat(w.serving()).isFalse();
    run(w, Duration.ofSeconds(1));
    assertThat(w.serving()).isTrue();
    assertThat(events).last().isEqualTo("whole");
  }

  @Test
  void pauseShorterThanTheMemberTimeout_changesNothing() {
    MinorityWatch w = watch(3);
    w.check();
    clock.advance(MEMBER_TIMEOUT);
    w.check();
    assertThat(w.serving()).isTrue();
    assertThat(events).isEmpty();
  }

  @Test
  void pausedRemovedAndMergedBack_asksForAFreshStart() {
    MinorityWatch w = watch(3);
    w.check();
    clock.advance(Duration.ofSeconds(6));
    w.check(); // resumed
    w.membersChanged(1); // it learns that the others removed it
    assertThat(w.hasQuorum()).isFalse();
    w.merging();
    w.membersChanged(3); // joining the majority, before the merge is done
    assertThat(w.serving()).isFalse();
    w.merged();
    assertThat(w.serving()).isTrue();
    assertThat(events).hasSize(2).last().isEqualTo("rejoin");
  }

  @Test
  void mergedWhileTheMemberListStillLags_waitsForTheMajority() {
    MinorityWatch w = watch(3);
    w.membersChanged(1);
    w.merging();
    w.merged();
    run(w, SETTINGS.quorumGrace().plusSeconds(5)); // merged: no "presumed dead"
    assertThat(w.serving()).isFalse();
    w.membersChanged(3);
    assertThat(events).last().isEqualTo("rejoin");
  }

  @Test
  void mergingWhileServing_fences() {
    MinorityWatch w = watch(2);
    w.merging();
    assertThat(w.serving()).isFalse();
    w.merged();
    w.membersChanged(3);
    assertThat(events).hasSize(2).last().isEqualTo("rejoin");
  }

  @Test
  void isMajority_ofTheLargestClusterSeen_notBelowThree() {
    MinorityWatch three = watch(3);
    assertThat(three.isMajority(2)).isTrue();
    assertThat(three.isMajority(1)).isFalse();

    MinorityWatch two = watch(2);
    assertThat(two.isMajority(1)).isTrue();
  }
}

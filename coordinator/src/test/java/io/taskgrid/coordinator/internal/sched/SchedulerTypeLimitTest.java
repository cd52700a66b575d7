package io.taskgrid.coordinator.internal.sched;

import static io.taskgrid.coordinator.internal.sched.SchedulerFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.coordinator.internal.testing.FakeTimer;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Per-type concurrency limits (asyncio.Semaphore across the cluster): on one coordinator, and on
 * two whose schedulers share one permits object, as the coordinators of a cluster do.
 */
class SchedulerTypeLimitTest {
  private static final String GET = "http.get";

  private final SchedulerFixture f = new SchedulerFixture(Map.of(GET, 2), () -> 0.0);

  private final InMemoryTypePermits cluster = new InMemoryTypePermits();
  private final FakeTimer clusterTimer = new FakeTimer(new FakeClock());

  @Test
  void pump_typeAtLimit_extraTasksWaitWhileOtherTypesRun() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "http.get", "echo");
    for (int i = 0; i < 5; i++) {
      f.submit(spec("g" + i, "http.get"));
    }
    f.submit(spec("e0", "echo"), spec("e1", "echo"), spec("e2", "echo"));

    f.credit(w, 100);

    // The limited ones start once their permits are granted (a step later here).
    assertThat(link.assignedIds()).containsExactlyInAnyOrder("g0", "g1", "e0", "e1", "e2");
    assertThat(f.queued()).isEqualTo(3);
  }

  @Test
  void results_limitedTaskEnds_oldestHeldTaskStartsNext() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "http.get");
    for (int i = 0; i < 4; i++) {
      f.submit(spec("g" + i, "http.get"));
    }
    f.credit(w, 100);

    f.report(w, link.assigned().get(0), Outcome.SUCCEEDED, "", false);
    assertThat(link.assignedIds()).containsExactly("g0", "g1", "g2");

    // A cancel ends a running one too, and a held one that is cancelled never starts.
    assertThat(f.cancel("g3")).isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(f.cancel("g1")).isEqualTo(CancelOutcome.Result.STOPPED_WHILE_RUNNING);
    assertThat(link.assignedIds()).containsExactly("g0", "g1", "g2");
    assertThat(f.queued()).isZero();

    f.submit(spec("g4", "http.get"));
    assertThat(link.assignedIds()).containsExactly("g0", "g1", "g2", "g4");
  }

  @Test
  void checkTimeouts_deadlinePassesWhileHeldByTheTypeLimit_timedOutAndNeverStarts() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "http.get");
    f.submit(spec("g0", GET), spec("g1", GET));
    f.submit(spec("held", GET).toBuilder().setDeadlineUnixMs(f.clock.millis() + 500).build());
    f.credit(w, 100);
    assertThat(link.assignedIds()).containsExactly("g0", "g1");

    f.clock.advance(java.time.Duration.ofMillis(500));
    f.scheduler.checkTimeouts();

    assertThat(f.completed.get("held").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
    f.report(w, link.assigned().get(0), Outcome.SUCCEEDED, "", false);
    assertThat(link.assignedIds()).containsExactly("g0", "g1");
  }

  @Test
  void results_limitedTaskEnds_highestPriorityHeldTaskStartsNext() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "http.get");
    f.submit(spec("g0", GET), spec("g1", GET));
    f.credit(w, 100);
    // Held in this order, while both permits are in use.
    f.submit(spec("low", GET));
    f.submit(spec("high", GET).toBuilder().setPriority(10).build());
    f.submit(spec("mid", GET).toBuilder().setPriority(5).build());
    assertThat(link.assignedIds()).containsExactly("g0", "g1");

    f.report(w, link.assigned().get(0), Outcome.SUCCEEDED, "", false);
    assertThat(link.assignedIds()).containsExactly("g0", "g1", "high");
    f.report(w, link.assigned().get(1), Outcome.SUCCEEDED, "", false);
    assertThat(link.assignedIds()).containsExactly("g0", "g1", "high", "mid");
  }

  @Test
  void workerDisconnected_limitedTasksRequeued_limitStillHolds() {
    FakeLink first = new FakeLink();
    WorkerHandle w1 = f.worker("w1", first, "http.get");
    for (int i = 0; i < 3; i++) {
      f.submit(spec("g" + i, "http.get"));
    }
    f.credit(w1, 100);
    assertThat(first.assignedIds()).containsExactly("g0", "g1");

    f.scheduler.workerDisconnected(w1);
    FakeLink second = new FakeLink();
    WorkerHandle w2 = f.worker("w2", second, "http.get");
    f.credit(w2, 100);

    assertThat(second.assigned()).hasSize(2);
    assertThat(f.queued()).isEqualTo(1);
  }

  @Test
  void twoCoordinators_limitCountsBoth_permitFreedOnOneStartsTaskOnOther() {
    SchedulerFixture a = coordinator("a");
    SchedulerFixture b = coordinator("b");
    FakeLink toA = new FakeLink();
    FakeLink toB = new FakeLink();
    WorkerHandle wa = a.worker("wa", toA, GET);
    WorkerHandle wb = b.worker("wb", toB, GET);
    a.submit(spec("a0", GET), spec("a1", GET));
    a.credit(wa, 100);
    b.submit(spec("b0", GET), spec("b1", GET));
    b.credit(wb, 100);

    assertThat(toA.assignedIds()).containsExactly("a0", "a1");
    assertThat(toB.assigned()).isEmpty();
    assertThat(b.queued()).isEqualTo(2);

    // A task ends on a: its permit goes back; b sees it when it asks again.
    a.report(wa, toA.assigned().get(0), Outcome.SUCCEEDED, "", false);
    clusterTimer.advance(TypeLimits.MAX_RETRY);

    assertThat(toB.assignedIds()).containsExactly("b0");
    assertThat(cluster.total(GET)).isEqualTo(2);

    a.report(wa, toA.assigned().get(1), Outcome.SUCCEEDED, "", false);
    clusterTimer.advance(TypeLimits.MAX_RETRY);

    assertThat(toB.assignedIds()).containsExactly("b0", "b1");
    assertThat(cluster.held(GET, "a")).isZero();
    assertThat(cluster.held(GET, "b")).isEqualTo(2);
  }

  @Test
  void twoCoordinators_bothWaiting_theOneHoldingEveryPermitGivesUpItsFreedOne() {
    SchedulerFixture a = coordinator("a");
    SchedulerFixture b = coordinator("b");
    FakeLink toA = new FakeLink();
    FakeLink toB = new FakeLink();
    WorkerHandle wa = a.worker("wa", toA, GET);
    WorkerHandle wb = b.worker("wb", toB, GET);
    for (int i = 0; i < 6; i++) {
      a.submit(spec("a" + i, GET));
    }
    a.credit(wa, 100);
    b.submit(spec("b0", GET), spec("b1", GET));
    b.credit(wb, 100);
    clusterTimer.advance(TypeLimits.MAX_RETRY); // both ask again: a learns that b waits

    a.report(wa, toA.assigned().get(0), Outcome.SUCCEEDED, "", false);
    clusterTimer.advance(TypeLimits.MAX_RETRY);

    // a did not keep the freed permit for its own queue: b got it.
    assertThat(toA.assignedIds()).containsExactly("a0", "a1");
    assertThat(toB.assignedIds()).containsExactly("b0");
    assertThat(a.queued()).isEqualTo(4);
  }

  @Test
  void coordinatorDies_survivorInheritsItsPermits_heldTasksStart() {
    SchedulerFixture a = coordinator("a");
    SchedulerFixture b = coordinator("b");
    FakeLink toA = new FakeLink();
    FakeLink toB = new FakeLink();
    a.credit(a.worker("wa", toA, GET), 100);
    a.submit(spec("a0", GET), spec("a1", GET));
    b.credit(b.worker("wb", toB, GET), 100);
    b.submit(spec("b0", GET), spec("b1", GET));
    assertThat(toB.assigned()).isEmpty();

    // a leaves the cluster holding both permits; b is the member that adopts.
    b.scheduler.inheritPermits(Set.of("b")).toCompletableFuture().join();

    assertThat(toB.assignedIds()).containsExactly("b0", "b1");
    assertThat(cluster.held(GET, "a")).isZero();
    assertThat(cluster.held(GET, "b")).isEqualTo(2);
  }

  @Test
  void coordinatorDies_adoptedTasksStillRunning_keepTheirPermitsUntilTheyEnd() {
    SchedulerFixture a = coordinator("a");
    SchedulerFixture b = coordinator("b");
    FakeLink toA = new FakeLink();
    FakeLink toB = new FakeLink();
    // One worker connected to both coordinators.
    a.credit(a.worker("w", toA, GET), 100);
    a.submit(spec("a0", GET), spec("a1", GET));
    WorkerHandle w = b.worker("w", toB, GET);
    b.credit(w, 100);
    b.submit(spec("b0", GET), spec("b1", GET));
    List<TaskInfo> records =
        List.of(a.store.get("a0"), a.store.get("a1")).stream()
            .map(s -> s.toCompletableFuture().join().orElseThrow())
            .toList();

    // a leaves: b adopts its tasks (still running on w) and then its permits.
    b.scheduler.adopt(records);
    b.scheduler.inheritPermits(Set.of("b")).toCompletableFuture().join();

    assertThat(toB.assigned()).isEmpty();
    assertThat(b.queued()).isEqualTo(2);
    assertThat(cluster.held(GET, "b")).isEqualTo(2);

    // The adopted tasks end: b's own take their permits, never more than 2 at once.
    b.report(w, toA.assigned().get(0), Outcome.SUCCEEDED, "", false);
    assertThat(toB.assignedIds()).containsExactly("b0");
    b.report(w, toA.assigned().get(1), Outcome.SUCCEEDED, "", false);
    assertThat(toB.assignedIds()).containsExactly("b0", "b1");
    assertThat(cluster.total(GET)).isEqualTo(2);
  }

  @Test
  void inheritPermits_noTypeLimits_nothingAsked() {
    SchedulerFixture unlimited =
        new SchedulerFixture(Map.of(), () -> 0.0, cluster, "b", clusterTimer);
    cluster.acquire(GET, "a", 2, 2).toCompletableFuture().join();

    unlimited.scheduler.inheritPermits(Set.of("b")).toCompletableFuture().join();

    assertThat(cluster.held(GET, "a")).isEqualTo(2);
  }

  /** A coordinator of the cluster whose permits are {@link #cluster}. */
  private SchedulerFixture coordinator(String owner) {
    return new SchedulerFixture(Map.of(GET, 2), () -> 0.0, cluster, owner, clusterTimer);
  }
}

package io.taskgrid.coordinator.internal.sched;

import static io.taskgrid.coordinator.internal.sched.SchedulerFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-type concurrency limits (asyncio.Semaphore across the cluster). */
class SchedulerTypeLimitTest {
  private final SchedulerFixture f = new SchedulerFixture(Map.of("http.get", 2), () -> 0.0);

  @Test
  void pump_typeAtLimit_extraTasksWaitWhileOtherTypesRun() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "http.get", "echo");
    for (int i = 0; i < 5; i++) {
      f.submit(spec("g" + i, "http.get"));
    }
    f.submit(spec("e0", "echo"), spec("e1", "echo"), spec("e2", "echo"));

    f.credit(w, 100);

    assertThat(link.assignedIds()).containsExactly("g0", "g1", "e0", "e1", "e2");
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
}

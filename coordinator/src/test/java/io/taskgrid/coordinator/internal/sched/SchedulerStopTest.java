package io.taskgrid.coordinator.internal.sched;

import static io.taskgrid.coordinator.internal.sched.SchedulerFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A coordinator that stops hands its running tasks over with their leases: nothing is charged. */
class SchedulerStopTest {
  private final SchedulerFixture f = new SchedulerFixture(Map.of(), () -> 0.5);

  private TaskInfo stored(String id) {
    return f.store.get(id).toCompletableFuture().join().orElseThrow();
  }

  @Test
  void stopLeasing_tasksQueued_noneLeasedAfterwards() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.scheduler.stopLeasing().join();
    link.demands.clear();

    f.submit(spec("t", "echo"));
    f.credit(w, 5);

    assertThat(link.assigned()).isEmpty();
    assertThat(stored("t").getState()).isEqualTo(TaskState.QUEUED);
    assertThat(link.demands).as("no demand told by a stopping coordinator").isEmpty();
  }

  @Test
  void workerDisconnected_afterStopLeasing_leaseKeptInStoreAndNothingRequeued() {
    FakeLink l1 = new FakeLink();
    FakeLink l2 = new FakeLink();
    WorkerHandle w1 = f.worker("w1", l1, "echo");
    WorkerHandle w2 = f.worker("w2", l2, "echo");
    f.submit(spec("t", "echo"));
    f.credit(w1, 1);
    assertThat(l1.assignedIds()).containsExactly("t");
    f.scheduler.stopLeasing().join();

    f.scheduler.workerDisconnected(w1);
    f.credit(w2, 5);

    assertThat(l2.assigned()).as("re-leased to the other worker").isEmpty();
    TaskInfo info = stored("t");
    assertThat(info.getState()).isEqualTo(TaskState.RUNNING);
    assertThat(info.getAttempt()).isEqualTo(1);
    assertThat(info.getWorkerId()).isEqualTo("w1");
    assertThat(f.completed).isEmpty();
  }

  @Test
  void workerDisconnected_whileServing_stillRequeuesWithNextAttempt() {
    FakeLink l1 = new FakeLink();
    FakeLink l2 = new FakeLink();
    WorkerHandle w1 = f.worker("w1", l1, "echo");
    WorkerHandle w2 = f.worker("w2", l2, "echo");
    f.submit(spec("t", "echo"));
    f.credit(w1, 1);

    f.scheduler.workerDisconnected(w1);
    f.credit(w2, 1);

    assertThat(l2.assigned()).extracting(Assignment::getAttempt).containsExactly(2);
  }

  @Test
  void results_afterStopLeasing_stillRecordedAndStoreWritesDrain() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(spec("t", "echo"));
    f.credit(w, 1);
    Assignment a = link.assigned().get(0);
    f.scheduler.stopLeasing().join();

    f.report(w, a, Outcome.SUCCEEDED, "", false);

    assertThat(f.scheduler.storeWritesDone()).isDone();
    assertThat(stored("t").getState()).isEqualTo(TaskState.DONE);
    assertThat(f.completed.get("t").getAttempt()).isEqualTo(1);
  }

  @Test
  void releaseWorkers_workerLeavesInsteadOfAnswering_completes() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");

    var released = f.scheduler.releaseWorkers();
    f.scheduler.workerDisconnected(w);

    assertThat(released).isDone();
  }

  @Test
  void notRunning_aliveWorkerDidNotKnowAdoptedLease_attemptNotCharged() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    // An adopted record on its last attempt, RUNNING on w1 (connected here).
    TaskInfo record =
        TaskInfo.newBuilder()
            .setSpec(
                spec("t", "echo").toBuilder()
                    .setPool(io.taskgrid.proto.v1.Pool.IO)
                    .setRetry(io.taskgrid.proto.v1.RetryPolicy.newBuilder().setMaxAttempts(2)))
            .setState(TaskState.RUNNING)
            .setAttempt(2)
            .setWorkerId("w1")
            .build();
    f.scheduler.adopt(List.of(record));
    assertThat(link.reconciles).containsExactly(List.of("t"));

    f.scheduler.notRunning(w, List.of("t"));
    f.credit(w, 1);

    assertThat(link.assigned()).extracting(Assignment::getAttempt).containsExactly(3);
    assertThat(f.completed).as("no WORKER_LOST for a lease its live worker never got").isEmpty();
  }
}

package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.CancelAcks;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelResponse;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A cancel of a leased CPU task: the worker may hold it in its own queue (prefetched, never
 * started), so the coordinator asks the worker and answers REMOVED_FROM_QUEUE or
 * STOPPED_WHILE_RUNNING from its ack (issue 12). The task itself ends CANCELLED at once either way.
 */
class SchedulerCpuCancelTest {
  private final SchedulerFixture f = new SchedulerFixture(Map.of(), () -> 0.0);
  private final FakeLink link = new FakeLink();
  private final WorkerHandle w = cpuWorker("w1", link);

  @Test
  void cancel_leasedCpuTask_asksTheWorkerAndEndsTheTaskAtOnce() {
    leased("t");

    CompletableFuture<CancelResponse> answer = cancel("t");

    assertThat(link.cancels)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getTaskIdsList()).containsExactly("t");
              assertThat(c.getAck()).isTrue();
            });
    assertThat(answer).isNotDone();
    assertThat(f.completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void cancel_workerSaysNotStarted_removedFromQueue() {
    leased("t");
    CompletableFuture<CancelResponse> answer = cancel("t");

    f.scheduler.cancelAcked(w, CancelAcks.newBuilder().addNotStartedTaskIds("t").build());

    assertThat(result(answer)).isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
  }

  @Test
  void cancel_workerSaysStarted_stoppedWhileRunning() {
    leased("t");
    CompletableFuture<CancelResponse> answer = cancel("t");

    f.scheduler.cancelAcked(w, CancelAcks.newBuilder().addStartedTaskIds("t").build());

    assertThat(result(answer)).isEqualTo(CancelOutcome.Result.STOPPED_WHILE_RUNNING);
  }

  @Test
  void cancel_ackFromAnotherWorker_ignored() {
    leased("t");
    CompletableFuture<CancelResponse> answer = cancel("t");
    WorkerHandle other = cpuWorker("w2", new FakeLink());

    f.scheduler.cancelAcked(other, CancelAcks.newBuilder().addNotStartedTaskIds("t").build());

    assertThat(answer).isNotDone();
  }

  @Test
  void cancel_workerNeverAnswers_stoppedWhileRunningAfterTheAckTimeout() {
    leased("t");
    CompletableFuture<CancelResponse> answer = cancel("t");

    f.clock.advance(Duration.ofMillis(PoolScheduler.CANCEL_ACK_TIMEOUT_MS - 1));
    f.scheduler.checkTimeouts();
    assertThat(answer).isNotDone();

    f.clock.advance(Duration.ofMillis(1));
    f.scheduler.checkTimeouts();
    assertThat(result(answer)).isEqualTo(CancelOutcome.Result.STOPPED_WHILE_RUNNING);
  }

  @Test
  void cancel_workerDisconnectsBeforeAnswering_stoppedWhileRunning() {
    leased("t");
    CompletableFuture<CancelResponse> answer = cancel("t");

    f.scheduler.workerDisconnected(w);

    assertThat(result(answer)).isEqualTo(CancelOutcome.Result.STOPPED_WHILE_RUNNING);
  }

  @Test
  void cancel_queuedCpuTask_removedAtOnceWithoutAskingAWorker() {
    f.submit(cpuSpec("t"));

    assertThat(result(cancel("t"))).isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(link.cancels).isEmpty();
  }

  private void leased(String id) {
    f.submit(cpuSpec(id));
    f.scheduler.credits(
        w,
        Credits.newBuilder()
            .addPools(PoolCredit.newBuilder().setPool(Pool.CPU).setCredits(1))
            .build());
    assertThat(link.assignedIds()).containsExactly(id);
  }

  private CompletableFuture<CancelResponse> cancel(String id) {
    return f.scheduler.cancel(List.of(id), false).toCompletableFuture();
  }

  private static CancelOutcome.Result result(CompletableFuture<CancelResponse> answer) {
    assertThat(answer).isDone();
    return answer.join().getOutcomes(0).getResult();
  }

  private static TaskSpec cpuSpec(String id) {
    return TaskSpec.newBuilder().setId(id).setType("sum").setPool(Pool.CPU).build();
  }

  private WorkerHandle cpuWorker(String id, FakeLink l) {
    WorkerHandle h =
        new WorkerHandle(
            WorkerHello.newBuilder()
                .setWorkerId(id)
                .addPools(PoolSpec.newBuilder().setPool(Pool.CPU).setCapacity(2).addHandlers("sum"))
                .build(),
            l,
            f.clock.millis());
    assertThat(f.scheduler.workerConnected(h)).isTrue();
    return h;
  }
}

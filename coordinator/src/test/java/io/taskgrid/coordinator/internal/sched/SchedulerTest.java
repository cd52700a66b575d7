package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelResponse;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.RetryPolicy;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Scheduler behaviour with every executor direct (Runnable::run): each call has fully taken effect
 * when it returns, so the tests need no waiting and are deterministic.
 */
class SchedulerTest {
  private final FakeClock clock = new FakeClock();
  private final InMemoryTaskStore store =
      new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  private final CompletionHub hub = new CompletionHub();
  private final JobStats jobs = new JobStats();
  private final Scheduler scheduler =
      new Scheduler(clock, store, hub, jobs, Runnable::run, SchedulerSettings.defaults());
  private final TaskIntake intake =
      new TaskIntake(clock, store, scheduler, IntakeSettings.of(1024, 100, 1000));
  private final Map<String, TaskResult> completed = new ConcurrentHashMap<>();
  private final CompletionSubscriber recorder =
      rs -> rs.forEach(r -> completed.put(r.getTaskId(), r));

  private static TaskSpec spec(String id) {
    return TaskSpec.newBuilder().setId(id).setType("echo").build();
  }

  private List<SubmitAck> submit(TaskSpec... specs) {
    Admission a = intake.submit(Arrays.asList(specs)).toCompletableFuture().join();
    a.watchIds().forEach(id -> hub.watchTask(id, recorder));
    a.schedule();
    return a.acks();
  }

  private WorkerHandle worker(String id, FakeLink link, String... handlers) {
    WorkerHandle h =
        new WorkerHandle(
            WorkerHello.newBuilder()
                .setWorkerId(id)
                .addPools(
                    PoolSpec.newBuilder()
                        .setPool(Pool.IO)
                        .setCapacity(100)
                        .addAllHandlers(List.of(handlers)))
                .build(),
            link,
            clock.millis());
    assertThat(scheduler.workerConnected(h)).isTrue();
    return h;
  }

  private void credit(WorkerHandle w, int n) {
    scheduler.credits(
        w,
        Credits.newBuilder()
            .addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n))
            .build());
  }

  private void report(WorkerHandle w, Assignment a, Outcome outcome, boolean retryable) {
    scheduler.results(
        w,
        List.of(
            TaskResult.newBuilder()
                .setTaskId(a.getSpec().getId())
                .setAttempt(a.getAttempt())
                .setOutcome(outcome)
                .setError(TaskError.newBuilder().setRetryable(retryable))
                .build()));
  }

  private TaskState stateOf(String id) {
    return store.get(id).toCompletableFuture().join().orElseThrow().getState();
  }

  @Test
  void pump_higherPriority_assignedFirst() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(
        spec("low"),
        spec("high").toBuilder().setPriority(9).build(),
        spec("mid").toBuilder().setPriority(3).build());

    credit(w, 3);

    assertThat(link.assignedIds()).containsExactly("high", "mid", "low");
  }

  @Test
  void pump_bigAndSmallJobs_roundRobinAcrossJobs() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    for (int i = 0; i < 5; i++) {
      submit(spec("big" + i).toBuilder().setJobId("big").build());
    }
    submit(
        spec("small0").toBuilder().setJobId("small").build(),
        spec("small1").toBuilder().setJobId("small").build());

    credit(w, 4);

    assertThat(link.assignedIds()).containsExactly("big0", "small0", "big1", "small1");
  }

  @Test
  void credits_fewerThanQueued_neverExceeded() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    for (int i = 0; i < 5; i++) {
      submit(spec("t" + i));
    }

    credit(w, 2);
    assertThat(link.assigned()).hasSize(2);

    credit(w, 1);
    assertThat(link.assigned()).hasSize(3);
  }

  @Test
  void credits_manyTasksQueued_oneAssignmentsBatch() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    for (int i = 0; i < 10; i++) {
      submit(spec("t" + i));
    }

    credit(w, 10);

    assertThat(link.batches).hasSize(1);
    assertThat(link.batches.get(0)).hasSize(10);
  }

  @Test
  void credits_queueLargerThanOneMessage_assignmentsSplitUnderTheLimit() {
    // GIVEN 1,000 queued tasks of 3 KB each: 3 MB of assignments, over one message's limit
    TaskIntake roomy = new TaskIntake(clock, store, scheduler, IntakeSettings.of(4096, 100, 1000));
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    Payload threeKb = Payload.newBuilder().setData(ByteString.copyFrom(new byte[3000])).build();
    List<String> ids = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      List<TaskSpec> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = "t" + (b * 100 + i);
        ids.add(id);
        batch.add(spec(id).toBuilder().setPayload(threeKb).build());
      }
      roomy.submit(batch).toCompletableFuture().join().schedule();
    }

    // WHEN the worker has credit for all of them
    credit(w, 1000);

    assertThat(link.batches).hasSizeGreaterThan(1);
    assertThat(link.batches)
        .allSatisfy(
            batch ->
                assertThat(batch.stream().mapToInt(Assignment::getSerializedSize).sum())
                    .isLessThanOrEqualTo(PoolScheduler.MAX_ASSIGNMENT_BYTES));
    assertThat(link.assignedIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void pump_workerLacksHandler_taskWaitsForWorkerThatHasIt() {
    FakeLink echoOnly = new FakeLink();
    FakeLink sleeper = new FakeLink();
    WorkerHandle w1 = worker("w1", echoOnly, "echo");
    worker("w2", sleeper, "sleep");
    submit(spec("s").toBuilder().setType("sleep").build(), spec("e"));

    credit(w1, 5);

    assertThat(echoOnly.assignedIds()).containsExactly("e");
    assertThat(sleeper.assigned()).isEmpty();
  }

  @Test
  void workerDisconnected_leasedTask_requeuedWithNextAttempt() {
    FakeLink first = new FakeLink();
    WorkerHandle w1 = worker("w1", first, "echo");
    submit(spec("t"));
    credit(w1, 1);
    assertThat(first.assigned().get(0).getAttempt()).isEqualTo(1);

    scheduler.workerDisconnected(w1);
    FakeLink second = new FakeLink();
    credit(worker("w2", second, "echo"), 1);

    assertThat(second.assigned())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getSpec().getId()).isEqualTo("t");
              assertThat(a.getAttempt()).isEqualTo(2);
            });
  }

  @Test
  void results_staleAttempt_droppedAndCurrentAttemptWins() {
    FakeLink first = new FakeLink();
    WorkerHandle w1 = worker("w1", first, "echo");
    submit(spec("t"));
    credit(w1, 1);
    Assignment attempt1 = first.assigned().get(0);
    scheduler.workerDisconnected(w1);
    FakeLink second = new FakeLink();
    WorkerHandle w2 = worker("w2", second, "echo");
    credit(w2, 1);

    report(w1, attempt1, Outcome.SUCCEEDED, false);
    assertThat(completed).isEmpty();

    report(w2, second.assigned().get(0), Outcome.SUCCEEDED, false);
    assertThat(completed.get("t").getAttempt()).isEqualTo(2);
    assertThat(completed.get("t").getWorkerId()).isEqualTo("w2");
    assertThat(stateOf("t")).isEqualTo(TaskState.DONE);
  }

  @Test
  void workerDisconnected_maxAttemptsUsed_endsWorkerLost() {
    submit(spec("t").toBuilder().setRetry(RetryPolicy.newBuilder().setMaxAttempts(2)).build());
    for (int i = 1; i <= 2; i++) {
      FakeLink link = new FakeLink();
      WorkerHandle w = worker("w" + i, link, "echo");
      credit(w, 1);
      assertThat(link.assigned()).hasSize(1);
      scheduler.workerDisconnected(w);
    }

    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.WORKER_LOST);
    assertThat(completed.get("t").getAttempt()).isEqualTo(2);
  }

  @Test
  void results_workerLostFromChildDeath_retriedUntilMaxAttemptsThenWorkerLost() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t").toBuilder().setRetry(RetryPolicy.newBuilder().setMaxAttempts(2)).build());
    credit(w, 1);

    // The worker stays connected but the process that ran attempt 1 died.
    report(w, link.assigned().get(0), Outcome.WORKER_LOST, false);
    assertThat(completed).isEmpty();
    credit(w, 1);
    assertThat(link.assigned()).hasSize(2);
    assertThat(link.assigned().get(1).getAttempt()).isEqualTo(2);

    report(w, link.assigned().get(1), Outcome.WORKER_LOST, false);
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.WORKER_LOST);
    assertThat(completed.get("t").getAttempt()).isEqualTo(2);
  }

  @Test
  void results_failedRetryable_retriedThenSucceeds() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t"));
    credit(w, 1);

    report(w, link.assigned().get(0), Outcome.FAILED, true);
    assertThat(completed).isEmpty();
    credit(w, 1);
    report(w, link.assigned().get(1), Outcome.SUCCEEDED, false);

    assertThat(link.assigned().get(1).getAttempt()).isEqualTo(2);
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void results_failedNotRetryable_endsFailed() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t"));
    credit(w, 1);

    report(w, link.assigned().get(0), Outcome.FAILED, false);

    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void cancel_beforeTheTaskIsRegistered_heldAndAppliedWhenItRegisters() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    java.util.concurrent.CompletableFuture<CancelResponse> early =
        scheduler.cancel(List.of("t"), false).toCompletableFuture();
    assertThat(early).isNotDone();
    assertThat(scheduler.pendingCancelCount()).isEqualTo(1);

    submit(spec("t"));
    credit(w, 1);

    assertThat(early.join().getOutcomes(0).getResult())
        .isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    // Ended at its dispatch, after the submitter subscribed: its completion was published to it.
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(link.assigned()).isEmpty();
    assertThat(scheduler.pendingCancelCount()).isZero();
  }

  @Test
  void cancel_ofATaskThatNeverAppears_expiresAfterTheTtlAsNotFound() {
    java.util.concurrent.CompletableFuture<CancelResponse> early =
        scheduler.cancel(List.of("ghost"), false).toCompletableFuture();
    clock.advance(PendingCancels.TTL.minusMillis(1));
    scheduler.checkTimeouts();
    assertThat(early).isNotDone();

    clock.advance(Duration.ofMillis(1));
    scheduler.checkTimeouts();

    assertThat(early.join().getOutcomes(0).getResult()).isEqualTo(CancelOutcome.Result.NOT_FOUND);
    assertThat(scheduler.pendingCancelCount()).isZero();
  }

  @Test
  void cancel_betweenAckAndSchedule_removedFromQueueAndNeverAssigned() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    Admission a = intake.submit(List.of(spec("t"))).toCompletableFuture().join();
    a.watchIds().forEach(id -> hub.watchTask(id, recorder));

    // The client cancels the moment the ack arrives, before the session hands the batch on: held
    // until the dispatch, so that the cancel's completion cannot precede the subscription.
    java.util.concurrent.CompletableFuture<CancelResponse> r =
        scheduler.cancel(List.of("t"), false).toCompletableFuture();
    a.schedule();
    credit(w, 1);

    assertThat(r.join().getOutcomes(0).getResult())
        .isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(link.assigned()).isEmpty();
  }

  @Test
  void cancel_betweenAckAndSchedule_typeNotYetKnown_removedAndNeverAssigned() {
    Admission a = intake.submit(List.of(spec("t"))).toCompletableFuture().join();
    a.watchIds().forEach(id -> hub.watchTask(id, recorder));

    java.util.concurrent.CompletableFuture<CancelResponse> r =
        scheduler.cancel(List.of("t"), false).toCompletableFuture();
    a.schedule();
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    credit(w, 1);

    assertThat(r.join().getOutcomes(0).getResult())
        .isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(link.assigned()).isEmpty();
  }

  @Test
  void cancel_queuedTask_removedAndNeverAssigned() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t"));

    CancelOutcome.Result r = cancel("t");
    credit(w, 1);

    assertThat(r).isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(link.assigned()).isEmpty();
  }

  @Test
  void cancel_runningTask_workerToldAndLateResultFenced() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t"));
    credit(w, 1);

    assertThat(cancel("t")).isEqualTo(CancelOutcome.Result.STOPPED_WHILE_RUNNING);
    report(w, link.assigned().get(0), Outcome.SUCCEEDED, false);

    assertThat(link.cancels)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getTaskIdsList()).containsExactly("t");
              assertThat(c.getOutcome()).isEqualTo(Outcome.CANCELLED);
            });
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void cancel_done_alreadyFinishedAtOnce() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t"));
    credit(w, 1);
    report(w, link.assigned().get(0), Outcome.SUCCEEDED, false);

    assertThat(cancel("t")).isEqualTo(CancelOutcome.Result.ALREADY_FINISHED);
    assertThat(scheduler.pendingCancelCount()).isZero();
  }

  @Test
  void submit_unknownTypeWithWorkerConnected_rejectedInvalidArgument() {
    worker("w1", new FakeLink(), "echo", "noop");

    SubmitAck ack = submit(spec("t").toBuilder().setType("foo").build()).get(0);

    assertThat(ack.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(ack.getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(ack.getMessage()).isEqualTo("unknown task type 'foo' (known: echo, noop)");
  }

  @Test
  void submit_noWorkerConnected_waitsThenRunsWhenWorkerConnects() {
    SubmitAck ack = submit(spec("t").toBuilder().setType("foo").build()).get(0);
    assertThat(ack.getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);

    FakeLink link = new FakeLink();
    credit(worker("w1", link, "foo"), 1);

    assertThat(link.assignedIds()).containsExactly("t");
    assertThat(link.assigned().get(0).getPool()).isEqualTo(Pool.IO);
  }

  @Test
  void submit_queueFull_rejectedResourceExhausted() {
    TaskIntake small = new TaskIntake(clock, store, scheduler, IntakeSettings.of(1024, 100, 1));

    List<SubmitAck> acks =
        small.submit(List.of(spec("a"), spec("b"))).toCompletableFuture().join().acks();

    assertThat(acks.get(0).getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);
    assertThat(acks.get(1).getCode()).isEqualTo("RESOURCE_EXHAUSTED");
  }

  @Test
  void submit_sameIdSameSpec_duplicate_differentSpec_alreadyExists() {
    submit(spec("t"));

    SubmitAck dup = submit(spec("t")).get(0);
    SubmitAck clash = submit(spec("t").toBuilder().setPriority(2).build()).get(0);

    assertThat(dup.getStatus()).isEqualTo(SubmitAck.Status.DUPLICATE);
    assertThat(clash.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(clash.getCode()).isEqualTo("ALREADY_EXISTS");
  }

  @Test
  void jobStats_afterRunAndComplete_countsByState() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(
        spec("a").toBuilder().setJobId("j").build(),
        spec("b").toBuilder().setJobId("j").build(),
        spec("c").toBuilder().setJobId("j").build());
    credit(w, 2);
    report(w, link.assigned().get(0), Outcome.SUCCEEDED, false);

    var counts = jobs.counts("j");

    assertThat(counts.getSubmitted()).isEqualTo(3);
    assertThat(counts.getRunning()).isEqualTo(1);
    assertThat(counts.getQueued()).isEqualTo(1);
    assertThat(counts.getCompletedMap()).containsEntry("SUCCEEDED", 1L);
  }

  @Test
  void checkTimeouts_runTimeoutPassed_workerToldTimedOutAndRecorded() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t").toBuilder().setTimeoutMs(500).build());
    credit(w, 1);

    clock.advance(Duration.ofMillis(499));
    scheduler.checkTimeouts();
    assertThat(completed).isEmpty();
    clock.advance(Duration.ofMillis(1));
    scheduler.checkTimeouts();

    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(link.cancels)
        .singleElement()
        .satisfies(c -> assertThat(c.getOutcome()).isEqualTo(Outcome.TIMED_OUT));
  }

  @Test
  void checkTimeouts_deadlinePassedWhileRunning_timedOut_untimedTaskBesideItRunsOn() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("timed").toBuilder().setDeadlineUnixMs(clock.millis() + 1000).build());
    submit(spec("untimed"));
    credit(w, 2);

    clock.advance(Duration.ofSeconds(1));
    scheduler.checkTimeouts();

    assertThat(completed.get("timed").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(completed).doesNotContainKey("untimed");
    clock.advance(Duration.ofDays(1));
    scheduler.checkTimeouts();
    assertThat(completed).doesNotContainKey("untimed");
  }

  @Test
  void pump_deadlinePassedWhileQueued_timedOutNotAssigned() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t").toBuilder().setDeadlineUnixMs(clock.millis() + 1000).build());

    clock.advance(Duration.ofSeconds(1));
    credit(w, 1);

    assertThat(link.assigned()).isEmpty();
    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
  }

  @Test
  void checkTimeouts_deadlinePassesWhileQueuedBehindBusySlots_timedOutWithoutWaitingForASlot() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("busy"));
    credit(w, 1);
    submit(spec("t").toBuilder().setDeadlineUnixMs(clock.millis() + 500).build());

    clock.advance(Duration.ofMillis(499));
    scheduler.checkTimeouts();
    assertThat(completed).doesNotContainKey("t");
    clock.advance(Duration.ofMillis(1));
    scheduler.checkTimeouts();

    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(completed.get("t").getError().getMessage()).contains("while queued");
    credit(w, 1);
    assertThat(link.assignedIds()).containsExactly("busy");
  }

  @Test
  void checkTimeouts_deadlinePassesDuringRetryBackoff_timedOut() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(
        spec("t").toBuilder()
            .setDeadlineUnixMs(clock.millis() + 500)
            .setRetry(
                RetryPolicy.newBuilder()
                    .setMaxAttempts(3)
                    .setInitialBackoffMs(10_000)
                    .setMaxBackoffMs(10_000)
                    .setBackoffMultiplier(1.0))
            .build());
    credit(w, 10);
    report(w, link.assigned().get(0), Outcome.FAILED, true);
    assertThat(completed).doesNotContainKey("t");

    clock.advance(Duration.ofMillis(500));
    scheduler.checkTimeouts();

    assertThat(completed.get("t").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
  }

  @Test
  void submit_explicitPoolNotOffered_rejectedInvalidArgument() {
    worker("w1", new FakeLink(), "echo"); // announces echo in IO only

    SubmitAck ack = submit(spec("t").toBuilder().setPool(Pool.CPU).build()).get(0);

    assertThat(ack.getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(ack.getMessage()).contains("not offered in pool CPU");
  }

  @Test
  void workerDraining_heldCredits_forgottenAndLaterCreditsIgnored() {
    FakeLink draining = new FakeLink();
    FakeLink staying = new FakeLink();
    WorkerHandle w1 = worker("w1", draining, "echo");
    credit(w1, 5);

    scheduler.workerDraining(w1);
    submit(spec("a"), spec("b"));
    credit(w1, 5);

    assertThat(draining.assigned()).isEmpty();
    assertThat(draining.drained).as("the Drain acknowledged to the worker").isTrue();
    credit(worker("w2", staying, "echo"), 5);
    assertThat(staying.assignedIds()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void workerDraining_leasedTask_resultStillAccepted() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");
    submit(spec("t"));
    credit(w, 1);
    Assignment a = link.assigned().get(0);

    scheduler.workerDraining(w);
    report(w, a, Outcome.SUCCEEDED, false);

    assertThat(stateOf("t")).isEqualTo(TaskState.DONE);
    assertThat(store.get("t").toCompletableFuture().join().orElseThrow().getResult().getAttempt())
        .isEqualTo(1);
  }

  @Test
  void releaseWorkers_connectedWorker_toldToDrainAndWaitedForUntilItAnswers() {
    FakeLink link = new FakeLink();
    WorkerHandle w = worker("w1", link, "echo");

    CompletableFuture<Void> released = scheduler.releaseWorkers();

    assertThat(link.drained).isTrue();
    assertThat(released).isNotDone();
    scheduler.workerDraining(w);
    assertThat(released).isDone();
  }

  @Test
  void pump_twoWorkersWithCredits_spreadRoundRobin() {
    FakeLink l1 = new FakeLink();
    FakeLink l2 = new FakeLink();
    WorkerHandle w1 = worker("w1", l1, "echo");
    WorkerHandle w2 = worker("w2", l2, "echo");
    credit(w1, 10);
    credit(w2, 10);

    submit(spec("a"), spec("b"), spec("c"), spec("d"));

    assertThat(l1.assigned()).hasSize(2);
    assertThat(l2.assigned()).hasSize(2);
  }

  private CancelOutcome.Result cancel(String id) {
    return scheduler
        .cancel(List.of(id), false)
        .toCompletableFuture()
        .join()
        .getOutcomes(0)
        .getResult();
  }
}

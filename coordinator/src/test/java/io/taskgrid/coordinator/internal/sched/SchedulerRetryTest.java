package io.taskgrid.coordinator.internal.sched;

import static io.taskgrid.coordinator.internal.sched.SchedulerFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.RetryPolicy;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retries: backoff by the injected clock, non-retryable error types, worker deaths as attempts. */
class SchedulerRetryTest {
  private final SchedulerFixture f = new SchedulerFixture(Map.of(), () -> 0.0);

  private static TaskSpec withRetry(String id, RetryPolicy.Builder retry) {
    return spec(id, "echo").toBuilder().setRetry(retry).build();
  }

  @Test
  void results_failedRetryable_storedAsQueuedWithoutTheOldWorkerDuringTheBackoff() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(
        withRetry("t", RetryPolicy.newBuilder().setMaxAttempts(3).setInitialBackoffMs(60_000)));
    f.credit(w, 10);
    assertThat(stored("t").getState()).isEqualTo(io.taskgrid.proto.v1.TaskState.RUNNING);

    f.report(w, link.assigned().get(0), Outcome.FAILED, "java.io.IOException", true);

    io.taskgrid.proto.v1.TaskInfo during = stored("t");
    assertThat(during.getState()).isEqualTo(io.taskgrid.proto.v1.TaskState.QUEUED);
    assertThat(during.getWorkerId()).isEmpty();
    assertThat(during.getAttempt()).isEqualTo(1);
  }

  private io.taskgrid.proto.v1.TaskInfo stored(String id) {
    return f.store.get(id).toCompletableFuture().join().orElseThrow();
  }

  @Test
  void results_failedRetryable_requeuedOnlyAfterExponentialBackoff() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(
        withRetry(
            "t",
            RetryPolicy.newBuilder()
                .setMaxAttempts(3)
                .setInitialBackoffMs(1_000)
                .setBackoffMultiplier(2)));
    f.credit(w, 10);

    f.report(w, link.assigned().get(0), Outcome.FAILED, "java.io.IOException", true);
    f.clock.advance(Duration.ofMillis(999));
    f.scheduler.checkTimeouts();
    assertThat(link.assigned()).as("still waiting out the 1 s backoff").hasSize(1);
    assertThat(f.queued()).isEqualTo(1);

    f.clock.advance(Duration.ofMillis(1));
    f.scheduler.checkTimeouts();
    assertThat(link.assigned()).hasSize(2);
    assertThat(link.assigned().get(1).getAttempt()).isEqualTo(2);

    // The second wait is doubled.
    f.report(w, link.assigned().get(1), Outcome.FAILED, "java.io.IOException", true);
    f.clock.advance(Duration.ofMillis(1_999));
    f.scheduler.checkTimeouts();
    assertThat(link.assigned()).hasSize(2);
    f.clock.advance(Duration.ofMillis(1));
    f.scheduler.checkTimeouts();
    assertThat(link.assigned()).hasSize(3);

    f.report(w, link.assigned().get(2), Outcome.FAILED, "java.io.IOException", true);
    assertThat(f.completed.get("t").getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(f.completed.get("t").getAttempt()).isEqualTo(3);
  }

  @Test
  void results_handlerFailureWithExplicitPolicy_retriedThoughWorkerSaidNotRetryable() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(withRetry("t", RetryPolicy.newBuilder().setMaxAttempts(2)));
    f.submit(spec("no-policy", "echo"));
    f.credit(w, 10);

    f.report(w, link.assigned().get(0), Outcome.FAILED, "java.lang.IllegalStateException", false);
    f.report(w, link.assigned().get(1), Outcome.FAILED, "java.lang.IllegalStateException", false);

    assertThat(link.assignedIds()).containsExactly("t", "no-policy", "t");
    assertThat(f.completed.get("no-policy").getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(f.completed).doesNotContainKey("t");
  }

  @Test
  void results_backoffPending_otherTasksStillAssigned() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(withRetry("slow", RetryPolicy.newBuilder().setInitialBackoffMs(60_000)));
    f.credit(w, 10);
    f.report(w, link.assigned().get(0), Outcome.FAILED, "X", true);

    f.submit(spec("other", "echo"));

    assertThat(link.assignedIds()).containsExactly("slow", "other");
  }

  @Test
  void results_nonRetryableErrorType_failsAtOnceDespiteRetryableFlag() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(
        withRetry(
            "t",
            RetryPolicy.newBuilder()
                .setMaxAttempts(5)
                .addNonRetryableErrorTypes("java.lang.IllegalArgumentException")));
    f.credit(w, 10);

    f.report(w, link.assigned().get(0), Outcome.FAILED, "java.lang.IllegalArgumentException", true);

    assertThat(f.completed.get("t").getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(f.completed.get("t").getAttempt()).isEqualTo(1);
    assertThat(link.assigned()).hasSize(1);
  }

  @Test
  void cancel_whileWaitingOutBackoff_removedFromQueueAndNeverRetried() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(withRetry("t", RetryPolicy.newBuilder().setInitialBackoffMs(500)));
    f.credit(w, 10);
    f.report(w, link.assigned().get(0), Outcome.FAILED, "X", true);

    assertThat(f.cancel("t")).isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    f.clock.advance(Duration.ofSeconds(1));
    f.scheduler.checkTimeouts();

    assertThat(link.assigned()).hasSize(1);
    assertThat(f.completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void workerDisconnected_defaultPolicyThreeTimes_workerLostAfterAttemptThree() {
    f.submit(spec("t", "echo"));
    for (int attempt = 1; attempt <= 3; attempt++) {
      FakeLink link = new FakeLink();
      WorkerHandle w = f.worker("w" + attempt, link, "echo");
      f.credit(w, 1);
      assertThat(link.assigned()).hasSize(1);
      assertThat(link.assigned().get(0).getAttempt()).isEqualTo(attempt);
      f.scheduler.workerDisconnected(w);
    }

    assertThat(f.completed.get("t").getOutcome()).isEqualTo(Outcome.WORKER_LOST);
    assertThat(f.completed.get("t").getAttempt()).isEqualTo(3);
  }

  @Test
  void results_backoffGrownPastLongMax_waitsUntilCancelledInsteadOfRetryingAtOnce() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.submit(
        withRetry(
            "t",
            RetryPolicy.newBuilder()
                .setMaxAttempts(5)
                .setInitialBackoffMs(SpecValidator.MAX_BACKOFF_LIMIT_MS)
                .setBackoffMultiplier(1e300)));
    f.credit(w, 10);
    f.report(w, link.assigned().get(0), Outcome.FAILED, "X", true);
    f.clock.advance(Duration.ofDays(1));
    f.scheduler.checkTimeouts();
    assertThat(link.assigned()).as("retried after the one-day backoff").hasSize(2);

    // The second wait is 1 day x 1e300: far past Long.MAX_VALUE ms, so it saturates.
    f.report(w, link.assigned().get(1), Outcome.FAILED, "X", true);
    f.clock.advance(Duration.ofDays(365 * 1000));
    f.scheduler.checkTimeouts();
    assertThat(link.assigned()).as("still waiting after a thousand years").hasSize(2);

    assertThat(f.cancel("t")).isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(f.completed.get("t").getOutcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void submit_backoffLongerThanADay_rejectedInvalidArgumentWithTheBound() {
    List<SubmitAck> acks =
        f.submit(
            withRetry("a", RetryPolicy.newBuilder().setInitialBackoffMs(Long.MAX_VALUE)),
            withRetry("b", RetryPolicy.newBuilder().setMaxBackoffMs(Long.MAX_VALUE)),
            withRetry(
                "c",
                RetryPolicy.newBuilder()
                    .setInitialBackoffMs(SpecValidator.MAX_BACKOFF_LIMIT_MS)
                    .setMaxBackoffMs(SpecValidator.MAX_BACKOFF_LIMIT_MS)));

    assertThat(acks.get(0).getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(acks.get(0).getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(acks.get(0).getMessage())
        .isEqualTo(
            "retry.initial_backoff_ms must be at most 86400000 (1 day), was 9223372036854775807");
    assertThat(acks.get(1).getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(acks.get(1).getMessage()).contains("retry.max_backoff_ms must be at most 86400000");
    assertThat(acks.get(2).getStatus()).isNotEqualTo(SubmitAck.Status.REJECTED);
  }

  @Test
  void submit_badBackoffSettings_rejectedInvalidArgumentWithReason() {
    List<SubmitAck> acks =
        f.submit(
            withRetry("a", RetryPolicy.newBuilder().setInitialBackoffMs(-1)),
            withRetry("b", RetryPolicy.newBuilder().setInitialBackoffMs(500).setMaxBackoffMs(100)),
            withRetry("c", RetryPolicy.newBuilder().setBackoffMultiplier(0.5)),
            withRetry("d", RetryPolicy.newBuilder().setJitter(1.5)));

    assertThat(acks)
        .allSatisfy(
            a -> {
              assertThat(a.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
              assertThat(a.getCode()).isEqualTo("INVALID_ARGUMENT");
            });
    assertThat(acks.get(0).getMessage()).contains("initial_backoff_ms");
    assertThat(acks.get(1).getMessage()).contains("max_backoff_ms");
    assertThat(acks.get(2).getMessage()).contains("backoff_multiplier");
    assertThat(acks.get(3).getMessage()).contains("jitter");
  }
}

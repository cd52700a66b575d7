package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.taskgrid.proto.v1.CancelResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitResponse;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskgridClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private InProcessCoordinator coordinator;
  private FakeTaskService fake;
  private TaskgridClient client;

  @BeforeEach
  void setUp() throws Exception {
    coordinator = new InProcessCoordinator();
    fake = coordinator.fake;
    client = coordinator.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    coordinator.close();
  }

  @Test
  void map_hundredInputs_sentInFewBatchedMessages() {
    List<String> inputs = IntStream.range(0, 100).mapToObj(i -> "in-" + i).toList();

    List<TaskFuture<String>> futures = client.map(TaskTypes.ECHO, inputs);

    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 100);
    assertThat(fake.submitMessages()).isLessThanOrEqualTo(5);
    assertThat(fake.submittedSpecs())
        .extracting(TaskSpec::getId)
        .containsExactlyElementsOf(futures.stream().map(TaskFuture::taskId).toList())
        .doesNotHaveDuplicates();
    assertThat(fake.submittedSpecs().get(0).getType()).isEqualTo("echo");
    assertThat(fake.submittedSpecs().get(0).getPayload().getContentType()).isEqualTo(Codecs.TEXT);
  }

  @Test
  void submit_manyFromOneThread_allArriveInOrder() {
    List<TaskFuture<Long>> futures = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      futures.add(client.submit(TaskTypes.SLEEP, i));
    }

    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 100);
    assertThat(fake.submittedSpecs())
        .extracting(TaskSpec::getId)
        .containsExactlyElementsOf(futures.stream().map(TaskFuture::taskId).toList());
  }

  @Test
  void submit_options_mappedOntoTheSpec() {
    TaskOptions options =
        TaskOptions.newBuilder()
            .id("my-id")
            .jobId("job-1")
            .priority(7)
            .timeout(Duration.ofSeconds(3))
            .retry(
                RetryPolicy.newBuilder()
                    .maxAttempts(5)
                    .nonRetryableErrorTypes(List.of("X"))
                    .build())
            .labels(java.util.Map.of("k", "v"))
            .pool(TaskPool.CPU)
            .build();

    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "a", options);

    assertThat(future.taskId()).isEqualTo("my-id");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 1);
    TaskSpec spec = fake.submittedSpecs().get(0);
    assertThat(spec.getJobId()).isEqualTo("job-1");
    assertThat(spec.getPriority()).isEqualTo(7);
    assertThat(spec.getTimeoutMs()).isEqualTo(3_000);
    assertThat(spec.getRetry().getMaxAttempts()).isEqualTo(5);
    assertThat(spec.getRetry().getNonRetryableErrorTypesList()).containsExactly("X");
    assertThat(spec.getLabelsMap()).containsEntry("k", "v");
    assertThat(spec.getPool()).isEqualTo(io.taskgrid.proto.v1.Pool.CPU);
  }

  @Test
  void submit_deadlineIn_resolvedAgainstTheClientClock() {
    java.time.Instant now = java.time.Instant.parse("2030-01-01T00:00:00Z");
    client =
        coordinator.reconnect(
            ClientOptions.newBuilder()
                .clock(java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))
                .build());

    client.submit(
        TaskTypes.ECHO, "a", TaskOptions.newBuilder().deadlineIn(Duration.ofSeconds(5)).build());

    awaitSubmitted(1);
    assertThat(fake.submittedSpecs().get(0).getDeadlineUnixMs())
        .isEqualTo(now.plusSeconds(5).toEpochMilli());
  }

  @Test
  void submit_succeeded_decodesOutputAndRecordsResultInfo() {
    TaskFuture<java.math.BigInteger> future = client.submit(TaskTypes.SUM_SQUARES, 10L);
    awaitSubmitted(1);

    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(future.taskId())
            .setOutcome(Outcome.SUCCEEDED)
            .setOutput(payload("285"))
            .setAttempt(2)
            .setWorkerId("w-1")
            .setStartedUnixMs(1_000)
            .build());

    assertThat(future).succeedsWithin(WAIT).isEqualTo(java.math.BigInteger.valueOf(285));
    assertThat(future.resultInfo())
        .hasValueSatisfying(
            info -> {
              assertThat(info.attempt()).isEqualTo(2);
              assertThat(info.workerId()).isEqualTo("w-1");
              assertThat(info.startedAt()).contains(java.time.Instant.ofEpochMilli(1_000));
            });
  }

  @Test
  void submit_completionCallback_runsOnCallbackThread() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    CompletableFuture<String> thread = future.thenApply(v -> Thread.currentThread().getName());
    awaitSubmitted(1);

    fake.complete(succeeded(future.taskId(), "x"));

    assertThat(thread).succeedsWithin(WAIT).asString().startsWith("taskgrid-client-callback-");
  }

  @ParameterizedTest
  @EnumSource(
      value = Outcome.class,
      names = {"FAILED", "CANCELLED", "TIMED_OUT", "WORKER_LOST", "REJECTED"})
  void submit_nonSuccessOutcome_failsWithItsOwnExceptionType(Outcome outcome) {
    TaskFuture<String> future = client.submit(TaskTypes.FAIL, "boom");
    awaitSubmitted(1);

    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(future.taskId())
            .setOutcome(outcome)
            .setError(
                TaskError.newBuilder()
                    .setType(
                        outcome == Outcome.REJECTED
                            ? "INVALID_ARGUMENT"
                            : "java.lang.IllegalStateException")
                    .setMessage("boom")
                    .setStack("at Handler.run"))
            .build());

    Class<? extends Throwable> expected =
        switch (outcome) {
          case FAILED -> TaskFailedException.class;
          case CANCELLED -> TaskCancelledException.class;
          case TIMED_OUT -> TaskTimedOutException.class;
          case WORKER_LOST -> WorkerLostException.class;
          default -> TaskRejectedException.class;
        };
    await().atMost(WAIT).until(future::isDone);
    // handle() on the future itself sees the exception as completed, unwrapped.
    Throwable error = future.handle((v, e) -> e).join();
    assertThat(error).isExactlyInstanceOf(expected);
    assertThat(future.isCancelled()).isEqualTo(outcome == Outcome.CANCELLED);
    String taskId =
        error instanceof TaskCancelledException c ? c.taskId() : ((TaskException) error).taskId();
    assertThat(taskId).isEqualTo(future.taskId());
    if (outcome == Outcome.FAILED) {
      TaskFailedException failed = (TaskFailedException) error;
      assertThat(failed.errorType()).isEqualTo("java.lang.IllegalStateException");
      assertThat(failed.errorMessage()).isEqualTo("boom");
      assertThat(failed.remoteStackTrace()).isEqualTo("at Handler.run");
    }
  }

  @Test
  void completion_rejectedNotFound_failsWithTaskExpiredException() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    // What a coordinator answers for a task whose result its retention budget evicted.
    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(future.taskId())
            .setOutcome(Outcome.REJECTED)
            .setError(
                TaskError.newBuilder()
                    .setType("NOT_FOUND")
                    .setMessage("Expired: task '" + future.taskId() + "' is not in the store"))
            .build());

    assertThat(future)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskExpiredException.class,
            e -> {
              assertThat(e.code()).isEqualTo("NOT_FOUND");
              assertThat(e.taskId()).isEqualTo(future.taskId());
              assertThat(e.getMessage()).contains("Expired");
            });
  }

  @Test
  void submit_rejectedAck_failsWithTaskRejectedException() {
    fake.autoAck = false;
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    fake.push(
        ServerMessage.newBuilder()
            .setAcks(
                SubmitResponse.newBuilder()
                    .addAcks(
                        SubmitAck.newBuilder()
                            .setTaskId(future.taskId())
                            .setStatus(SubmitAck.Status.REJECTED)
                            .setCode("RESOURCE_EXHAUSTED")
                            .setMessage("queue full")))
            .build());

    assertThat(future)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("RESOURCE_EXHAUSTED");
              assertThat(e.getMessage()).contains("queue full");
            });
  }

  @Test
  void submit_duplicateAck_keepsWaitingForTheCompletion() {
    fake.autoAck = false;
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);
    fake.push(
        ServerMessage.newBuilder()
            .setAcks(
                SubmitResponse.newBuilder()
                    .addAcks(
                        SubmitAck.newBuilder()
                            .setTaskId(future.taskId())
                            .setStatus(SubmitAck.Status.DUPLICATE)))
            .build());
    assertThat(future).isNotDone();

    fake.complete(succeeded(future.taskId(), "x"));

    assertThat(future).succeedsWithin(WAIT).isEqualTo("x");
  }

  @Test
  void submit_undecodableOutput_failsWithOutputDecodingError() {
    TaskFuture<Long> future = client.submit(TaskTypes.SLEEP, 5L);
    awaitSubmitted(1);

    fake.complete(succeeded(future.taskId(), "not a number"));

    assertThat(future)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> assertThat(e.errorType()).isEqualTo("OutputDecodingError"));
  }

  @Test
  void submit_taskLargerThanLimit_rejectedLocallyWithResourceExhausted() {
    client = coordinator.reconnect(ClientOptions.newBuilder().maxTaskBytes(1_000).build());

    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x".repeat(2_000));

    assertThat(future)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("RESOURCE_EXHAUSTED");
              assertThat(e.getMessage()).contains("payload");
            });
    assertThat(fake.submittedSpecs()).isEmpty();
  }

  @Test
  void cancel_pendingTask_sendsCancelRequestAndFailsWithTaskCancelledException() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    assertThat(future.cancel(true)).isTrue();

    // Not completed locally: the future waits for what the coordinator did.
    assertThat(future).isNotDone();
    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    assertThat(fake.cancels().get(0).getTaskIdsList()).containsExactly(future.taskId());
    assertThat(fake.cancels().get(0).getForce()).isTrue();
    answerCancel(future.taskId(), io.taskgrid.proto.v1.CancelOutcome.Result.REMOVED_FROM_QUEUE);

    assertThatThrownBy(future::join)
        .isInstanceOfSatisfying(
            TaskCancelledException.class, e -> assertThat(e.taskId()).isEqualTo(future.taskId()));
    assertThat(future.isCancelled()).isTrue();
  }

  @Test
  void cancel_taskAlreadyFinishedOnTheCluster_futureKeepsTheRealResult() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    assertThat(future.cancel(false)).isTrue();
    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    answerCancel(future.taskId(), io.taskgrid.proto.v1.CancelOutcome.Result.ALREADY_FINISHED);
    fake.complete(succeeded(future.taskId(), "x"));

    assertThat(future.join()).isEqualTo("x");
    assertThat(future.isCancelled()).isFalse();
    assertThat(future.cancel(false)).isFalse();
  }

  @Test
  void cancel_coordinatorSaysNotFound_futureNotCompletedLocally_endsWithItsCompletion() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    CompletableFuture<io.taskgrid.client.CancelOutcome> answer = future.cancelAsync(false);
    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    answerCancel(future.taskId(), io.taskgrid.proto.v1.CancelOutcome.Result.NOT_FOUND);

    assertThat(answer.join()).isEqualTo(io.taskgrid.client.CancelOutcome.NOT_FOUND);
    assertThat(future).isNotDone();
    fake.complete(succeeded(future.taskId(), "x"));
    assertThat(future.join()).isEqualTo("x");
  }

  @Test
  void complete_calledByTheUser_refused_theFutureOnlyTellsTheTasksOutcome() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");

    assertThatThrownBy(() -> future.complete("forged"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> future.completeExceptionally(new RuntimeException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(future).isNotDone();
  }

  private void answerCancel(String taskId, io.taskgrid.proto.v1.CancelOutcome.Result result) {
    fake.push(
        ServerMessage.newBuilder()
            .setCancelOutcomes(
                CancelResponse.newBuilder()
                    .addOutcomes(
                        io.taskgrid.proto.v1.CancelOutcome.newBuilder()
                            .setTaskId(taskId)
                            .setResult(result)))
            .build());
  }

  @Test
  void cancelAsync_coordinatorAnswers_returnsItsOutcome() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    CompletableFuture<CancelOutcome> outcome = future.cancelAsync(false);
    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    fake.push(
        ServerMessage.newBuilder()
            .setCancelOutcomes(
                CancelResponse.newBuilder()
                    .addOutcomes(
                        io.taskgrid.proto.v1.CancelOutcome.newBuilder()
                            .setTaskId(future.taskId())
                            .setResult(
                                io.taskgrid.proto.v1.CancelOutcome.Result.REMOVED_FROM_QUEUE)))
            .build());

    assertThat(outcome).succeedsWithin(WAIT).isEqualTo(CancelOutcome.REMOVED_FROM_QUEUE);
    assertThat(future)
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.CancellationException.class)
        .isInstanceOf(TaskCancelledException.class);
    assertThat(client.pendingCount()).isZero();
  }

  @Test
  void map_completionsInReverseOrder_futuresKeepInputOrder() {
    List<TaskFuture<Long>> futures = client.map(TaskTypes.SLEEP, List.of(1L, 2L, 3L));
    awaitSubmitted(3);

    for (int i = 2; i >= 0; i--) {
      fake.complete(succeeded(futures.get(i).taskId(), Long.toString(i + 1)));
    }

    assertThat(Futures.gather(futures)).succeedsWithin(WAIT).isEqualTo(List.of(1L, 2L, 3L));
  }

  @Test
  void session_streamFails_reconnectsAttachesAckedAndResendsUnacked() {
    TaskFuture<String> acked = client.submit(TaskTypes.ECHO, "a");
    awaitSubmitted(1);
    await().atMost(WAIT).until(() -> fake.sessions.size() == 1);
    fake.autoAck = false;
    TaskFuture<String> unacked = client.submit(TaskTypes.ECHO, "b");
    awaitSubmitted(2);

    fake.breakStream(Status.UNAVAILABLE.withDescription("coordinator restarting"));

    await().atMost(WAIT).until(() -> fake.sessions.size() == 2);
    await().atMost(WAIT).until(() -> fake.attachedIds().contains(acked.taskId()));
    await()
        .atMost(WAIT)
        .until(
            () ->
                fake.submittedSpecs().stream()
                        .filter(s -> s.getId().equals(unacked.taskId()))
                        .count()
                    == 2);
    assertThat(fake.attachedIds()).doesNotContain(unacked.taskId());
    fake.complete(succeeded(acked.taskId(), "a"), succeeded(unacked.taskId(), "b"));
    assertThat(acked).succeedsWithin(WAIT).isEqualTo("a");
    assertThat(unacked).succeedsWithin(WAIT).isEqualTo("b");
  }

  @Test
  void session_streamFailsResourceExhausted_failsSentUnackedAndReattachesAcked() {
    TaskFuture<String> acked = client.submit(TaskTypes.ECHO, "a");
    awaitSubmitted(1);
    fake.autoAck = false;
    TaskFuture<String> poison = client.submit(TaskTypes.ECHO, "b");
    awaitSubmitted(2);

    fake.breakStream(Status.RESOURCE_EXHAUSTED.withDescription("message too large"));

    assertThat(poison)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("RESOURCE_EXHAUSTED");
              assertThat(e.getMessage()).contains("message too large");
            });
    await().atMost(WAIT).until(() -> fake.attachedIds().contains(acked.taskId()));
    assertThat(fake.submittedSpecs()).extracting(TaskSpec::getId).containsOnlyOnce(poison.taskId());
    assertThat(acked).isNotDone();
  }

  @Test
  void session_streamFailsUnimplemented_failsEveryPendingTask() {
    TaskFuture<String> acked = client.submit(TaskTypes.ECHO, "a");
    awaitSubmitted(1);

    fake.breakStream(Status.UNIMPLEMENTED.withDescription("no TaskService here"));

    assertThat(acked)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class, e -> assertThat(e.code()).isEqualTo("UNIMPLEMENTED"));
    assertThat(client.pendingCount()).isZero();
  }

  @Test
  void submit_inFlightLimitReached_blocksUntilATaskEnds() throws Exception {
    client = coordinator.reconnect(ClientOptions.newBuilder().inFlightLimit(1).build());
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "1");
    CompletableFuture<TaskFuture<String>> second = new CompletableFuture<>();
    Thread submitter = new Thread(() -> second.complete(client.submit(TaskTypes.ECHO, "2")));
    submitter.start();

    await().atMost(WAIT).until(() -> submitter.getState() == Thread.State.WAITING);
    assertThat(second).isNotDone();
    awaitSubmitted(1);
    fake.complete(succeeded(first.taskId(), "1"));

    assertThat(second).succeedsWithin(WAIT);
    awaitSubmitted(2);
    submitter.join(WAIT.toMillis());
  }

  @Test
  void close_pendingTasks_failWithTaskException() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    client.close();

    assertThat(future)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isExactlyInstanceOf(TaskException.class)
        .withMessageContaining("closed");
    assertThatThrownBy(() -> client.submit(TaskTypes.ECHO, "y"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void waitFor_taskNotDoneInTime_cancelsTheRemoteTask() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "slow");
    awaitSubmitted(1);

    assertThatThrownBy(() -> Futures.waitFor(future, Duration.ofMillis(50)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining(future.taskId());

    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    assertThat(fake.cancels().get(0).getTaskIdsList()).containsExactly(future.taskId());
    answerCancel(future.taskId(), io.taskgrid.proto.v1.CancelOutcome.Result.REMOVED_FROM_QUEUE);
    await().atMost(WAIT).until(future::isDone);
    assertThat(future.isCancelled()).isTrue();
  }

  @Test
  void waitFor_derivedStageNotDoneInTime_cancelsTheTaskItDependsOn() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "slow");
    CompletableFuture<Integer> length = future.thenApply(String::length).thenApply(n -> n + 1);
    awaitSubmitted(1);

    assertThatThrownBy(() -> Futures.waitFor(length, Duration.ofMillis(50)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("1 task(s) it depends on");

    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    assertThat(fake.cancels().get(0).getTaskIdsList()).containsExactly(future.taskId());
  }

  @Test
  void gather_cancelled_cancelsEveryChildNotDone() {
    TaskFuture<String> a = client.submit(TaskTypes.ECHO, "a");
    TaskFuture<String> b = client.submit(TaskTypes.ECHO, "b");
    awaitSubmitted(2);
    CompletableFuture<List<String>> all = Futures.gather(List.of(a, b));

    assertThat(all.cancel(false)).isTrue();

    await()
        .atMost(WAIT)
        .until(() -> fake.cancels().stream().mapToInt(c -> c.getTaskIdsCount()).sum() == 2);
    assertThat(fake.cancels().stream().flatMap(c -> c.getTaskIdsList().stream()))
        .containsExactlyInAnyOrder(a.taskId(), b.taskId());
  }

  @Test
  void getTask_knownAndUnknown_returnsStatusOrEmpty() {
    TaskFuture<String> future = client.submit(TaskTypes.ECHO, "x");
    awaitSubmitted(1);

    assertThat(client.getTask(future.taskId()))
        .hasValueSatisfying(
            s -> {
              assertThat(s.type()).isEqualTo("echo");
              assertThat(s.state()).isEqualTo(TaskState.QUEUED);
            });
    assertThat(client.getTask("nope")).isEmpty();
  }

  private void awaitSubmitted(int count) {
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() >= count);
  }

  private static Payload payload(String text) {
    return Payload.newBuilder()
        .setData(ByteString.copyFromUtf8(text))
        .setContentType(Codecs.DECIMAL)
        .build();
  }

  private static TaskResult succeeded(String id, String output) {
    return TaskResult.newBuilder()
        .setTaskId(id)
        .setOutcome(Outcome.SUCCEEDED)
        .setOutput(payload(output))
        .build();
  }
}

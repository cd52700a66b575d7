package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.taskgrid.proto.v1.CancelResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ProgressUpdates;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resubmitting a task id on the client that has it pending: the same spec binds a second future to
 * the same task, a different spec is rejected as the coordinator would, and once the task has ended
 * the resubmit goes to the coordinator again.
 */
class IdempotentResubmitTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ID = "idem-1";
  private static final TaskOptions WITH_ID = TaskOptions.newBuilder().id(ID).build();

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
  void resubmit_sameSpecWhilePending_secondFutureBoundToTheSameTaskNotSentAgain() {
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "x", WITH_ID);
    TaskFuture<String> second = client.submit(TaskTypes.ECHO, "x", WITH_ID);

    assertThat(second).isNotSameAs(first);
    assertThat(second.taskId()).isEqualTo(ID);
    assertThat(client.pendingCount()).isEqualTo(1);
    assertSentOnlyOnceBeforeAMarker();
    fake.push(progress(ID, 0.5));
    await().atMost(WAIT).until(() -> second.latestProgress().isPresent());
    await().atMost(WAIT).until(() -> first.latestProgress().isPresent());

    fake.complete(succeeded(ID, "x"));

    assertThat(first).succeedsWithin(WAIT).isEqualTo("x");
    assertThat(second).succeedsWithin(WAIT).isEqualTo("x");
    assertThat(second.resultInfo()).isEqualTo(first.resultInfo());
  }

  @Test
  void resubmit_sameSpecAtTheInFlightLimit_takesNoPermitAndDoesNotBlock() throws Exception {
    client = coordinator.reconnect(ClientOptions.newBuilder().inFlightLimit(1).build());
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "x", WITH_ID);

    // On another thread, so that a resubmit that did wait for a permit fails here, not hangs.
    CompletableFuture<TaskFuture<String>> second = new CompletableFuture<>();
    new Thread(() -> second.complete(client.submit(TaskTypes.ECHO, "x", WITH_ID))).start();

    assertThat(second).succeedsWithin(WAIT);
    assertThat(client.pendingCount()).isEqualTo(1);
    await().atMost(WAIT).until(() -> sentWithId() == 1);
    fake.complete(succeeded(ID, "x"));
    assertThat(first).succeedsWithin(WAIT).isEqualTo("x");
    assertThat(second.join()).succeedsWithin(WAIT).isEqualTo("x");
  }

  @Test
  void resubmit_differentSpecWhilePending_rejectedAlreadyExistsAndFirstUntouched() {
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "x", WITH_ID);

    TaskFuture<String> different =
        client.submit(TaskTypes.ECHO, "y", WITH_ID.toBuilder().priority(3).build());

    assertThat(different)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("ALREADY_EXISTS");
              assertThat(e.taskId()).isEqualTo(ID);
              assertThat(e.getMessage())
                  .contains("already exists with a different spec")
                  .contains("pending on this client")
                  .contains("differs in payload, priority");
            });
    assertSentOnlyOnceBeforeAMarker();
    assertThat(first).isNotDone();
    fake.complete(succeeded(ID, "x"));
    assertThat(first).succeedsWithin(WAIT).isEqualTo("x");
  }

  @Test
  void resubmit_sameSpecAfterTheTaskEnded_sentAgainAndAnsweredWithTheStoredResult() {
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "x", WITH_ID);
    await().atMost(WAIT).until(() -> sentWithId() == 1);
    fake.complete(succeeded(ID, "x"));
    assertThat(first).succeedsWithin(WAIT).isEqualTo("x");

    TaskFuture<String> again = client.submit(TaskTypes.ECHO, "x", WITH_ID);

    assertThat(again).succeedsWithin(WAIT).isEqualTo("x");
    assertThat(sentWithId()).isEqualTo(2);
    assertThat(client.pendingCount()).isZero();
  }

  @Test
  void resubmit_differentSpecAfterTheTaskEnded_coordinatorRejectsAlreadyExists() {
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "x", WITH_ID);
    await().atMost(WAIT).until(() -> sentWithId() == 1);
    fake.complete(succeeded(ID, "x"));
    assertThat(first).succeedsWithin(WAIT);

    TaskFuture<String> different = client.submit(TaskTypes.ECHO, "y", WITH_ID);

    assertThat(different)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("ALREADY_EXISTS");
              assertThat(e.getMessage()).doesNotContain("pending on this client");
            });
    assertThat(sentWithId()).isEqualTo(2);
  }

  @Test
  void cancel_oneOfTwoFuturesBoundToATask_cancelsTheTaskAndEndsTheOther() {
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "x", WITH_ID);
    TaskFuture<String> second = client.submit(TaskTypes.ECHO, "x", WITH_ID);
    await().atMost(WAIT).until(() -> sentWithId() == 1);

    assertThat(first.cancel(false)).isTrue();

    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    assertThat(fake.cancels().get(0).getTaskIdsList()).containsExactly(ID);
    // Both futures end when the coordinator reports what the cancel did.
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    fake.push(
        ServerMessage.newBuilder()
            .setCancelOutcomes(
                CancelResponse.newBuilder()
                    .addOutcomes(
                        io.taskgrid.proto.v1.CancelOutcome.newBuilder()
                            .setTaskId(ID)
                            .setResult(
                                io.taskgrid.proto.v1.CancelOutcome.Result.REMOVED_FROM_QUEUE)))
            .build());
    assertThat(second)
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.CancellationException.class)
        .isInstanceOf(TaskCancelledException.class);
    // Each future's completion is its own delivery (one per completion), so the first may end a
    // moment after the second.
    await().atMost(WAIT).until(first::isDone);
    assertThat(first).isCancelled();
    assertThat(client.pendingCount()).isZero();
  }

  @Test
  void resubmit_sameSpecFromManyThreadsAtOnce_oneTaskSentAndEveryFutureCompletes()
      throws Exception {
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<TaskFuture<String>> futures = new CopyOnWriteArrayList<>();
    List<Thread> submitters = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                futures.add(client.submit(TaskTypes.ECHO, "x", WITH_ID));
              });
      t.start();
      submitters.add(t);
    }

    start.countDown();
    for (Thread t : submitters) {
      t.join(WAIT.toMillis());
    }

    assertThat(futures).hasSize(threads);
    assertSentOnlyOnceBeforeAMarker();
    fake.complete(succeeded(ID, "x"));
    for (TaskFuture<String> f : futures) {
      assertThat(f).succeedsWithin(WAIT).isEqualTo("x");
    }
  }

  /**
   * The id went out exactly once: a task submitted after it arrives after it (the outbound queue is
   * in order), so a resend queued by the resubmit would have arrived by then.
   */
  private void assertSentOnlyOnceBeforeAMarker() {
    TaskFuture<String> marker = client.submit(TaskTypes.ECHO, "m");
    await()
        .atMost(WAIT)
        .until(
            () -> fake.submittedSpecs().stream().anyMatch(s -> s.getId().equals(marker.taskId())));
    assertThat(fake.submittedSpecs())
        .extracting(TaskSpec::getId)
        .containsExactly(ID, marker.taskId());
  }

  private long sentWithId() {
    return fake.submittedSpecs().stream().filter(s -> s.getId().equals(ID)).count();
  }

  private static ServerMessage progress(String id, double fraction) {
    return ServerMessage.newBuilder()
        .setProgress(
            ProgressUpdates.newBuilder()
                .addUpdates(
                    TaskProgress.newBuilder().setTaskId(id).setAttempt(1).setFraction(fraction)))
        .build();
  }

  private static TaskResult succeeded(String id, String output) {
    return TaskResult.newBuilder()
        .setTaskId(id)
        .setOutcome(Outcome.SUCCEEDED)
        .setOutput(
            Payload.newBuilder()
                .setData(ByteString.copyFromUtf8(output))
                .setContentType(Codecs.TEXT))
        .setAttempt(1)
        .setWorkerId("w-1")
        .build();
  }
}

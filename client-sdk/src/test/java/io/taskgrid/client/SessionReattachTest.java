package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 11, point 9: how the SDK's session reacts to refusals and to a not-reading close. */
class SessionReattachTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

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

  private void breakLatest(Status status, Metadata trailers) {
    StreamObserver<ServerMessage> latest = fake.sessions.get(fake.sessions.size() - 1);
    synchronized (latest) {
      latest.onError(status.asRuntimeException(trailers));
    }
  }

  private long submitsOf(String id) {
    return fake.submittedSpecs().stream().map(TaskSpec::getId).filter(id::equals).count();
  }

  @Test
  void notReadingClose_resendsUnackedAndReattachesAcked_failsNothing() {
    TaskFuture<String> acked = client.submit(TaskTypes.ECHO, "a");
    await().atMost(WAIT).until(() -> submitsOf(acked.taskId()) == 1);
    fake.autoAck = false;
    TaskFuture<String> unacked = client.submit(TaskTypes.ECHO, "b");
    await().atMost(WAIT).until(() -> submitsOf(unacked.taskId()) == 1);
    Metadata trailers = new Metadata();
    trailers.put(Metadata.Key.of("taskgrid-reattach", Metadata.ASCII_STRING_MARSHALLER), "true");

    breakLatest(
        Status.RESOURCE_EXHAUSTED.withDescription("client not reading: nothing read for 60 s"),
        trailers);

    await().atMost(WAIT).until(() -> fake.attachedIds().contains(acked.taskId()));
    await().atMost(WAIT).until(() -> submitsOf(unacked.taskId()) == 2);
    assertThat(acked).isNotDone();
    assertThat(unacked).isNotDone();
    fake.complete(
        io.taskgrid.proto.v1.TaskResult.newBuilder()
            .setTaskId(acked.taskId())
            .setOutcome(io.taskgrid.proto.v1.Outcome.SUCCEEDED)
            .setOutput(fake.tasks.get(acked.taskId()).getPayload())
            .build());
    assertThat(acked).succeedsWithin(WAIT).isEqualTo("a");
  }

  @Test
  void resourceExhaustedThreeTimesWithNothingDelivered_failsThePendingFutureClearly() {
    TaskFuture<String> acked = client.submit(TaskTypes.ECHO, "a");
    await().atMost(WAIT).until(() -> submitsOf(acked.taskId()) == 1);

    for (int i = 1; i <= 3; i++) {
      int sessions = i;
      await().atMost(WAIT).until(() -> fake.sessions.size() == sessions);
      if (i > 1) {
        await().atMost(WAIT).until(() -> fake.attachedIds().size() == sessions - 1);
      }
      breakLatest(
          Status.RESOURCE_EXHAUSTED.withDescription("Received message larger than max"),
          new Metadata());
    }

    assertThat(acked)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("RESOURCE_EXHAUSTED");
              assertThat(e.getMessage()).contains("3 times", "larger than max");
            });
  }

  @Test
  void everyReconnect_reattachesEachAckedTaskOnce() {
    TaskFuture<String> acked = client.submit(TaskTypes.ECHO, "a");
    await().atMost(WAIT).until(() -> submitsOf(acked.taskId()) == 1);

    for (int i = 1; i <= 3; i++) {
      int sessions = i;
      await().atMost(WAIT).until(() -> fake.sessions.size() == sessions);
      breakLatest(Status.UNAVAILABLE.withDescription("restarting"), new Metadata());
    }
    await().atMost(WAIT).until(() -> fake.sessions.size() == 4);
    await().atMost(WAIT).until(() -> fake.attachedIds().size() == 3);

    assertThat(fake.attachedIds()).containsOnly(acked.taskId()).hasSize(3);
    assertThat(acked).isNotDone();
  }
}

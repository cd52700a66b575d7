package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.ProgressUpdates;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Progress reports on the Session stream become events on the task's future. */
class TaskFutureProgressTest {
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

  private static ServerMessage progress(String id, double fraction, String message) {
    return ServerMessage.newBuilder()
        .setProgress(
            ProgressUpdates.newBuilder()
                .addUpdates(
                    TaskProgress.newBuilder()
                        .setTaskId(id)
                        .setAttempt(1)
                        .setFraction(fraction)
                        .setMessage(message)))
        .build();
  }

  @Test
  void onProgress_reportsPushed_listenerSeesThemAndLateListenerGetsLatest() {
    TaskFuture<String> f = client.submit(TaskTypes.ECHO, "x");
    List<Progress> seen = new CopyOnWriteArrayList<>();
    f.onProgress(seen::add);
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 1);

    fake.push(progress(f.taskId(), 0.25, "a quarter"));
    await().atMost(WAIT).until(() -> seen.size() == 1);
    fake.push(progress(f.taskId(), Double.NaN, "only words"));
    await().atMost(WAIT).until(() -> seen.size() == 2);

    assertThat(seen.get(0)).isEqualTo(new Progress(0.25, "a quarter", 1));
    assertThat(seen.get(1).hasFraction()).isFalse();
    assertThat(seen.get(1).message()).isEqualTo("only words");
    List<Progress> late = new CopyOnWriteArrayList<>();
    f.onProgress(late::add);
    assertThat(late).containsExactly(seen.get(1));
    assertThat(f.latestProgress()).contains(seen.get(1));
  }

  @Test
  void onProgress_afterCompletion_notDeliveredAndThrowingListenerIgnored() {
    TaskFuture<String> f = client.submit(TaskTypes.ECHO, "x");
    List<Progress> seen = new CopyOnWriteArrayList<>();
    f.onProgress(
        p -> {
          throw new IllegalStateException("listener bug");
        });
    f.onProgress(seen::add);
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 1);
    fake.push(progress(f.taskId(), 0.5, "half"));
    await().atMost(WAIT).until(() -> seen.size() == 1);

    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(f.taskId())
            .setOutcome(Outcome.SUCCEEDED)
            .setOutput(
                io.taskgrid.proto.v1.Payload.newBuilder()
                    .setData(com.google.protobuf.ByteString.copyFromUtf8("x")))
            .build());
    assertThat(f).succeedsWithin(WAIT).isEqualTo("x");
    fake.push(progress(f.taskId(), 0.9, "too late"));
    // A marker task's completion, pushed after the late report, proves the report was handled.
    TaskFuture<String> marker = client.submit(TaskTypes.ECHO, "m");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 2);
    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(marker.taskId())
            .setOutcome(Outcome.SUCCEEDED)
            .setOutput(
                io.taskgrid.proto.v1.Payload.newBuilder()
                    .setData(com.google.protobuf.ByteString.copyFromUtf8("m")))
            .build());
    assertThat(marker).succeedsWithin(WAIT);

    assertThat(seen).containsExactly(new Progress(0.5, "half", 1));
  }
}

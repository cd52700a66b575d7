package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskGroupTest {
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
  void close_allSucceed_returnsNormally() {
    fake.autoComplete = true;
    TaskFuture<String> a;
    try (TaskGroup group = client.newGroup()) {
      a = group.submit(TaskTypes.ECHO, "a");
      group.map(TaskTypes.ECHO, java.util.List.of("b", "c"));
    }
    assertThat(a).isCompletedWithValue("a");
  }

  @Test
  void close_oneFails_cancelsTheRestAndReportsTheFailure() {
    TaskGroup group = client.newGroup();
    TaskFuture<String> failing = group.submit(TaskTypes.FAIL, "boom");
    TaskFuture<String> other = group.submit(TaskTypes.ECHO, "slow");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 2);

    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(failing.taskId())
            .setOutcome(Outcome.FAILED)
            .setError(
                TaskError.newBuilder()
                    .setType("java.lang.IllegalStateException")
                    .setMessage("boom"))
            .build());

    assertThatThrownBy(group::close)
        .isInstanceOfSatisfying(
            TaskGroupException.class,
            e -> {
              assertThat(e.failures()).hasSize(1);
              assertThat(e.failures().get(0)).isInstanceOf(TaskFailedException.class);
            });
    assertThat(other.isCancelled()).isTrue();
    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    assertThat(fake.cancels().get(0).getTaskIdsList()).containsExactly(other.taskId());
    assertThatThrownBy(() -> group.submit(TaskTypes.ECHO, "late"))
        .isInstanceOf(IllegalStateException.class);
  }
}

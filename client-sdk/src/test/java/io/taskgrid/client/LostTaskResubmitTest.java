package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task the cluster's store lost (LOST on attach or on a partition loss) is resubmitted under the
 * same id with the spec the client holds, so it runs instead of ending; after a few losses in a row
 * it ends with {@link TaskLostException}, never as REJECTED.
 */
class LostTaskResubmitTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ID = "lost-1";

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

  private static TaskResult lost(String id) {
    return TaskResult.newBuilder()
        .setTaskId(id)
        .setOutcome(Outcome.LOST)
        .setError(TaskError.newBuilder().setType("NOT_FOUND").setMessage("not in the store"))
        .build();
  }

  private long submitsOf(String id) {
    return fake.received.stream()
        .filter(m -> m.hasSubmit())
        .flatMap(m -> m.getSubmit().getTasksList().stream())
        .map(TaskSpec::getId)
        .filter(id::equals)
        .count();
  }

  @Test
  void lost_acceptedTaskLostByTheStore_resubmittedWithTheSameSpecAndSucceeds() {
    TaskFuture<String> f =
        client.submit(TaskTypes.ECHO, "x", TaskOptions.newBuilder().id(ID).build());
    await().atMost(WAIT).until(() -> fake.tasks.containsKey(ID));
    TaskSpec first = fake.tasks.get(ID);
    fake.tasks.clear(); // the store forgot it

    fake.complete(lost(ID));

    await().atMost(WAIT).until(() -> submitsOf(ID) == 2);
    assertThat(fake.tasks.get(ID)).as("the resubmitted spec").isEqualTo(first);
    assertThat(f).isNotDone();
    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(ID)
            .setOutcome(Outcome.SUCCEEDED)
            .setOutput(first.getPayload())
            .setAttempt(1)
            .build());
    assertThat(f).succeedsWithin(WAIT).isEqualTo("x");
  }

  @Test
  void lost_againAfterEveryResubmit_endsLostNotRejected() {
    TaskFuture<String> f =
        client.submit(TaskTypes.ECHO, "x", TaskOptions.newBuilder().id(ID).build());
    await().atMost(WAIT).until(() -> fake.tasks.containsKey(ID));
    for (int n = 1; n <= 3; n++) {
      fake.tasks.clear();
      fake.complete(lost(ID));
      int sent = n + 1;
      await().atMost(WAIT).until(() -> submitsOf(ID) == sent);
    }

    fake.complete(lost(ID));

    assertThat(f)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(TaskLostException.class)
        .withMessageContaining(ID);
    assertThat(List.of(submitsOf(ID))).containsExactly(4L);
  }
}

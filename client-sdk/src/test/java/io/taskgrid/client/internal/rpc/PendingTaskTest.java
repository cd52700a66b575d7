package io.taskgrid.client.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingTaskTest {
  private static final TaskSpec SPEC =
      TaskSpec.newBuilder()
          .setId("t-1")
          .setType("echo")
          .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("x")))
          .putLabels("a", "1")
          .putLabels("b", "2")
          .build();

  @Test
  void join_sameSpecWhilePending_boundAndToldAtTheEnd() {
    PendingTask task = new PendingTask(SPEC, new NoopListener());
    NoopListener second = new NoopListener();

    assertThat(task.join(SPEC.toBuilder().build(), second)).isEqualTo(PendingTask.Join.JOINED);

    assertThat(task.end()).hasSize(2).contains(second);
  }

  @Test
  void join_differentSpec_conflictAndNotBound() {
    PendingTask task = new PendingTask(SPEC, new NoopListener());

    assertThat(task.join(SPEC.toBuilder().setPriority(1).build(), new NoopListener()))
        .isEqualTo(PendingTask.Join.CONFLICT);

    assertThat(task.end()).hasSize(1);
  }

  @Test
  void join_afterEnd_endedAndNotBound() {
    PendingTask task = new PendingTask(SPEC, new NoopListener());
    task.end();

    assertThat(task.join(SPEC, new NoopListener())).isEqualTo(PendingTask.Join.ENDED);
    assertThat(task.listeners()).hasSize(1);
  }

  @Test
  void differingFields_labelsInAnotherOrder_noDifference() {
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("b", "2");
    reversed.put("a", "1");
    TaskSpec same = SPEC.toBuilder().clearLabels().putAllLabels(reversed).build();

    assertThat(PendingTask.differingFields(SPEC, same)).isEmpty();
  }

  @Test
  void conflictMessage_namesTheIdAndTheDifferingFields() {
    PendingTask task = new PendingTask(SPEC, new NoopListener());
    TaskSpec other = SPEC.toBuilder().setJobId("j").putLabels("a", "9").build();

    assertThat(task.conflictMessage(other))
        .isEqualTo(
            "task id 't-1' already exists with a different spec"
                + " (pending on this client; differs in job_id, labels)");
  }

  private static final class NoopListener implements TaskListener {
    @Override
    public void onRejected(String code, String message) {}

    @Override
    public void onResult(TaskResult result) {}

    @Override
    public void onProgress(TaskProgress progress) {}

    @Override
    public void onClientClosed() {}
  }
}

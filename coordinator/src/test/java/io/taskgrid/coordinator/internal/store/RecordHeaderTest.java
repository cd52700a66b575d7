package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordHeaderTest {
  private static final TaskInfo FULL =
      TaskInfo.newBuilder()
          .setSpec(
              TaskSpec.newBuilder()
                  .setId("t1")
                  .setType("echo")
                  .setJobId("j1")
                  .setPayload(
                      Payload.newBuilder().setData(ByteString.copyFromUtf8("x".repeat(300)))))
          .setState(TaskState.RUNNING)
          .setAttempt(3)
          .setWorkerId("w-ü")
          .setSubmittedUnixMs(42)
          .setResult(TaskResult.newBuilder().setTaskId("t1").setOutcome(Outcome.FAILED))
          .setOwner("member-1")
          .build();

  @Test
  void fullRecord_headerEqualsTheParsedFields() {
    RecordHeader h = RecordHeader.of(FULL.toByteArray());

    assertThat(h).isEqualTo(new RecordHeader(TaskState.RUNNING, 3, "w-ü", "member-1"));
  }

  @Test
  void emptyRecord_defaults() {
    assertThat(RecordHeader.of(new byte[0]))
        .isEqualTo(new RecordHeader(TaskState.TASK_STATE_UNSPECIFIED, 0, "", ""));
  }

  @Test
  void fieldRepeated_lastOccurrenceWins_asInAFullParse() {
    byte[] merged =
        concat(
            FULL.toByteArray(),
            TaskInfo.newBuilder().setState(TaskState.DONE).setAttempt(4).build().toByteArray());

    RecordHeader h = RecordHeader.of(merged);

    TaskInfo parsed = TaskRecords.decode(merged);
    assertThat(h.state()).isEqualTo(parsed.getState()).isEqualTo(TaskState.DONE);
    assertThat(h.attempt()).isEqualTo(parsed.getAttempt()).isEqualTo(4);
  }

  @Test
  void truncatedRecord_corruptRecordError() {
    byte[] bytes = FULL.toByteArray();

    assertThatThrownBy(() -> RecordHeader.of(Arrays.copyOf(bytes, bytes.length - 5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("corrupt task record");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

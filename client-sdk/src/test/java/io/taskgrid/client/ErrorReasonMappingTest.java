package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.ErrorReason;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import org.junit.jupiter.api.Test;

/** A FAILED result's neutral reason reaches {@link TaskFailedException#reason()}. */
class ErrorReasonMappingTest {
  private static TaskFailedException failed(TaskError error) {
    return (TaskFailedException)
        ProtoMapper.toException(
            TaskResult.newBuilder()
                .setTaskId("t")
                .setOutcome(Outcome.FAILED)
                .setError(error)
                .build());
  }

  @Test
  void failedWithReason_reasonWithoutPrefix_typeKept() {
    TaskFailedException e =
        failed(
            TaskError.newBuilder()
                .setType("java.lang.IllegalArgumentException")
                .setExceptionClass("java.lang.IllegalArgumentException")
                .setReason(ErrorReason.ERROR_REASON_INVALID_INPUT)
                .setMessage("bad")
                .build());

    assertThat(e.reason()).isEqualTo("INVALID_INPUT");
    assertThat(e.errorType()).isEqualTo("java.lang.IllegalArgumentException");
  }

  @Test
  void failedFromAnOlderCoordinator_reasonUnspecified() {
    TaskFailedException e = failed(TaskError.newBuilder().setType("Boom").setMessage("x").build());

    assertThat(e.reason()).isEqualTo("UNSPECIFIED");
  }
}

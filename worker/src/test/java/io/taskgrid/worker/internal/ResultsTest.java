package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.ErrorReason;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskSpec;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The error a worker reports for what a handler threw: neutral reason, class apart, a message. */
class ResultsTest {
  private static TaskError failedWith(Throwable t) {
    Assignment a =
        Assignment.newBuilder()
            .setSpec(TaskSpec.newBuilder().setId("t").setType("x"))
            .setAttempt(1)
            .build();
    return Results.failed(Results.base(a, "w", 1, 2), t).getError();
  }

  @Test
  void connectExceptionWithoutMessage_usefulMessageRetryableConnectionFailed() {
    TaskError e = failedWith(new CompletionException(new ConnectException()));

    assertThat(e.getMessage()).isNotEqualTo("null").contains("could not connect");
    assertThat(e.getRetryable()).isTrue();
    assertThat(e.getReason()).isEqualTo(ErrorReason.ERROR_REASON_CONNECTION_FAILED);
    assertThat(e.getExceptionClass()).isEqualTo("java.net.ConnectException");
    assertThat(e.getType()).isEqualTo("java.net.ConnectException");
  }

  @Test
  void illegalArgument_invalidInputNotRetryable_classKeptApart() {
    TaskError e = failedWith(new NumberFormatException("not a number: 'x'"));

    assertThat(e.getReason()).isEqualTo(ErrorReason.ERROR_REASON_INVALID_INPUT);
    assertThat(e.getExceptionClass()).isEqualTo("java.lang.NumberFormatException");
    assertThat(e.getMessage()).isEqualTo("not a number: 'x'");
    assertThat(e.getRetryable()).isFalse();
  }

  @Test
  void anyOtherExceptionWithoutMessage_handlerErrorNamedByItsKind() {
    TaskError e = failedWith(new IllegalStateException());

    assertThat(e.getReason()).isEqualTo(ErrorReason.ERROR_REASON_HANDLER_ERROR);
    assertThat(e.getMessage()).isEqualTo("IllegalStateException (no message)");
    assertThat(e.getRetryable()).isFalse();
  }

  @Test
  void internalError_reasonInternal() {
    Assignment a = Assignment.newBuilder().setSpec(TaskSpec.newBuilder().setId("t")).build();

    TaskError e =
        Results.internalError(Results.base(a, "w", 1, 2), new IllegalStateException("oops"))
            .getError();

    assertThat(e.getReason()).isEqualTo(ErrorReason.ERROR_REASON_INTERNAL);
    assertThat(e.getMessage()).startsWith("internal error of the worker: oops");
  }
}

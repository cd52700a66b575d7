package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.ErrorReason;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Builds the {@link TaskResult}s a worker reports. */
public final class Results {
  /** Error type of a task whose CPU child process died under it (retryable). */
  public static final String CHILD_PROCESS_LOST = "ChildProcessLost";

  /** Error type of a task whose type no handler of this worker runs. */
  public static final String UNKNOWN_TASK_TYPE = "UnknownTaskType";

  /** Error type of an assignment beyond the credits the worker granted (retryable). */
  public static final String NO_CREDIT = "NoCredit";

  private static final int MAX_STACK_CHARS = 8_192;

  private Results() {}

  /** A result skeleton for an assignment: id, attempt, job, worker and times. */
  public static TaskResult.Builder base(
      Assignment assignment, String workerId, long startedMs, long finishedMs) {
    return TaskResult.newBuilder()
        .setTaskId(assignment.getSpec().getId())
        .setJobId(assignment.getSpec().getJobId())
        .setAttempt(assignment.getAttempt())
        .setWorkerId(workerId)
        .setStartedUnixMs(startedMs)
        .setFinishedUnixMs(finishedMs);
  }

  /** The handler returned {@code output}. */
  public static TaskResult succeeded(TaskResult.Builder base, Payload output) {
    return base.setOutcome(Outcome.SUCCEEDED).setOutput(output).build();
  }

  /**
   * The handler threw {@code error}: FAILED, with a language-neutral reason next to the class name.
   * Not retryable, except when a network peer could not be reached (another attempt may reach it).
   */
  public static TaskResult failed(TaskResult.Builder base, Throwable error) {
    Throwable cause = unwrap(error);
    boolean unreachable = unreachable(cause);
    return base.setOutcome(Outcome.FAILED)
        .setError(
            TaskError.newBuilder()
                .setType(cause.getClass().getName())
                .setExceptionClass(cause.getClass().getName())
                .setReason(reason(cause, unreachable))
                .setMessage(message(cause, unreachable))
                .setStack(stack(cause))
                .setRetryable(unreachable))
        .build();
  }

  /** A peer that could not be reached (refused, unroutable, timed out while connecting). */
  private static boolean unreachable(Throwable t) {
    return t instanceof java.net.ConnectException
        || t instanceof java.net.NoRouteToHostException
        || t instanceof java.net.PortUnreachableException
        || t instanceof java.net.http.HttpConnectTimeoutException;
  }

  private static ErrorReason reason(Throwable t, boolean unreachable) {
    if (unreachable) {
      return ErrorReason.ERROR_REASON_CONNECTION_FAILED;
    }
    // By the Java convention a handler throws IllegalArgumentException for input it refuses.
    if (t instanceof IllegalArgumentException) {
      return ErrorReason.ERROR_REASON_INVALID_INPUT;
    }
    return ErrorReason.ERROR_REASON_HANDLER_ERROR;
  }

  /** Never "null": an exception without a message is described by its kind and its cause. */
  private static String message(Throwable t, boolean unreachable) {
    String m = t.getMessage();
    if (m != null && !m.isBlank()) {
      return m;
    }
    String what =
        unreachable
            ? "could not connect (connection refused, or the host is unreachable)"
            : t.getClass().getSimpleName() + " (no message)";
    Throwable cause = t.getCause();
    return cause == null || cause.getMessage() == null
        ? what
        : what + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /**
   * The worker's own code failed around a task (not the handler): FAILED with the error, so that
   * the task still ends and its slot is freed.
   */
  public static TaskResult internalError(TaskResult.Builder base, Throwable error) {
    TaskResult failed = failed(base, error);
    return failed.toBuilder()
        .setError(
            failed.getError().toBuilder()
                .setReason(ErrorReason.ERROR_REASON_INTERNAL)
                .setMessage("internal error of the worker: " + failed.getError().getMessage()))
        .build();
  }

  /** Any other outcome, with a Taskgrid error type and message. */
  public static TaskResult ended(
      TaskResult.Builder base, Outcome outcome, String type, String message, boolean retryable) {
    return base.setOutcome(outcome)
        .setError(TaskError.newBuilder().setType(type).setMessage(message).setRetryable(retryable))
        .build();
  }

  /** Cancelled or timed out, as the coordinator (or the run timeout) asked. */
  public static TaskResult stopped(TaskResult.Builder base, Outcome outcome) {
    String type = outcome == Outcome.TIMED_OUT ? "TimedOut" : "Cancelled";
    String message =
        outcome == Outcome.TIMED_OUT ? "the task ran out of time" : "the task was cancelled";
    return ended(base, outcome, type, message, false);
  }

  /** The exception a stage or a wrapper hides. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String stack(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    String s = text.toString();
    return s.length() <= MAX_STACK_CHARS ? s : s.substring(0, MAX_STACK_CHARS);
  }
}

package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.Assignment;
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

  /** The handler threw {@code error}: FAILED, not retryable. */
  public static TaskResult failed(TaskResult.Builder base, Throwable error) {
    Throwable cause = unwrap(error);
    return base.setOutcome(Outcome.FAILED)
        .setError(
            TaskError.newBuilder()
                .setType(cause.getClass().getName())
                .setMessage(String.valueOf(cause.getMessage()))
                .setStack(stack(cause))
                .setRetryable(false))
        .build();
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

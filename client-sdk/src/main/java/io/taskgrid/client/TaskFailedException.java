package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The handler threw (or its output could not be decoded). Carries the remote error's type, message
 * and stack trace as text, since the remote exception class need not exist here.
 */
public class TaskFailedException extends TaskException {
  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final String errorMessage;
  private final String remoteStackTrace;
  private final boolean retryable;
  private final String reason;

  /**
   * @param taskId the task's id
   * @param errorType the remote exception's class name or a Taskgrid reason
   * @param errorMessage the remote exception's message
   * @param remoteStackTrace the remote stack trace as text (may be empty)
   * @param retryable whether another attempt could succeed
   * @param cause a local cause (for example a decoding error), if any
   */
  public TaskFailedException(
      String taskId,
      String errorType,
      String errorMessage,
      String remoteStackTrace,
      boolean retryable,
      @Nullable Throwable cause) {
    this(taskId, errorType, errorMessage, remoteStackTrace, retryable, "UNSPECIFIED", cause);
  }

  /**
   * @param taskId the task's id
   * @param errorType the remote exception's class name or a Taskgrid reason
   * @param errorMessage the remote exception's message
   * @param remoteStackTrace the remote stack trace as text (may be empty)
   * @param retryable whether another attempt could succeed
   * @param reason the language-neutral reason (docs/WIRE.md), for example {@code INVALID_INPUT}
   * @param cause a local cause (for example a decoding error), if any
   */
  public TaskFailedException(
      String taskId,
      String errorType,
      String errorMessage,
      String remoteStackTrace,
      boolean retryable,
      String reason,
      @Nullable Throwable cause) {
    super(taskId, "task " + taskId + " failed: " + errorType + ": " + errorMessage, cause);
    this.errorType = requireNonNull(errorType, "errorType");
    this.errorMessage = requireNonNull(errorMessage, "errorMessage");
    this.remoteStackTrace = requireNonNull(remoteStackTrace, "remoteStackTrace");
    this.retryable = retryable;
    this.reason = requireNonNull(reason, "reason");
  }

  /**
   * The language-neutral reason of the failure, the name of {@code taskgrid.v1.ErrorReason} without
   * its prefix: {@code HANDLER_ERROR}, {@code INVALID_INPUT}, {@code CONNECTION_FAILED}, {@code
   * RESULT_TOO_LARGE}, ... ({@code UNSPECIFIED} from a coordinator older than the field, or for a
   * local failure).
   */
  public String reason() {
    return reason;
  }

  /** The remote exception's class name, or a Taskgrid reason such as {@code UnknownTaskType}. */
  public String errorType() {
    return errorType;
  }

  /** The remote exception's message. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The remote stack trace as text; empty if none was sent. */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }

  /** Whether the worker judged that another attempt could succeed. */
  public boolean retryable() {
    return retryable;
  }
}

package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Why a task did not produce a value: the base of every exception a {@link TaskFuture} completes
 * with, except {@link TaskCancelledException} (which must be a {@link
 * java.util.concurrent.CancellationException}).
 */
public class TaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String taskId;

  /**
   * @param taskId the task's id
   * @param message what happened
   * @param cause the local cause, if any
   */
  public TaskException(String taskId, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.taskId = requireNonNull(taskId, "taskId");
  }

  /** The id of the task. */
  public String taskId() {
    return taskId;
  }
}

package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CancellationException;

/**
 * The task was cancelled, by this client or another. A {@link CancellationException} so that {@link
 * java.util.concurrent.Future#isCancelled()} and {@code join()} behave as usual.
 */
public class TaskCancelledException extends CancellationException {
  private static final long serialVersionUID = 1L;

  private final String taskId;

  /**
   * @param taskId the task's id
   * @param message what happened
   */
  public TaskCancelledException(String taskId, String message) {
    super(message);
    this.taskId = requireNonNull(taskId, "taskId");
  }

  /** The id of the task. */
  public String taskId() {
    return taskId;
  }
}

package io.taskgrid.client;

/**
 * The cluster no longer holds the task: its result was kept for the coordinators' result TTL and
 * within their retention budget, and has gone (or the id was never submitted). Raised, for example,
 * by a future of a task attached to after its result expired. {@link #code()} is {@code NOT_FOUND}.
 * See docs/RETENTION.md.
 */
public final class TaskExpiredException extends TaskRejectedException {
  private static final long serialVersionUID = 1L;

  /**
   * @param taskId the task's id
   * @param message the coordinator's explanation
   */
  public TaskExpiredException(String taskId, String message) {
    super(taskId, "NOT_FOUND", message);
  }
}

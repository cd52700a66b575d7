package io.taskgrid.client;

/** The task's run timeout or its deadline passed before it ended. */
public class TaskTimedOutException extends TaskException {
  private static final long serialVersionUID = 1L;

  /**
   * @param taskId the task's id
   * @param message what the coordinator reported
   */
  public TaskTimedOutException(String taskId, String message) {
    super(taskId, message, null);
  }
}

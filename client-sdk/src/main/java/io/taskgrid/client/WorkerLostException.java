package io.taskgrid.client;

/** The task's attempts were used up by worker (or CPU child process) deaths. */
public class WorkerLostException extends TaskException {
  private static final long serialVersionUID = 1L;

  /**
   * @param taskId the task's id
   * @param message what the coordinator reported
   */
  public WorkerLostException(String taskId, String message) {
    super(taskId, message, null);
  }
}

package io.taskgrid.client;

/**
 * The task was accepted, then lost by the cluster's store (more coordinators failed at once than
 * the store keeps backups for, or the whole cluster restarted), and could not be resubmitted: it
 * may or may not have run. The client resubmits a lost task it still holds under the same id before
 * reporting this, so it is seen only when that failed too.
 */
public class TaskLostException extends TaskException {
  private static final long serialVersionUID = 1L;

  /**
   * @param taskId the task's id
   * @param message what the coordinator reported
   */
  public TaskLostException(String taskId, String message) {
    super(taskId, message, null);
  }
}

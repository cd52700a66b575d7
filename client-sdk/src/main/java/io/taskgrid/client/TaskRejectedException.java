package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

/**
 * The task was never accepted: invalid spec, unknown type, payload too large, queue full. It never
 * runs. {@link #code()} is the gRPC status code name ({@code INVALID_ARGUMENT}, {@code
 * RESOURCE_EXHAUSTED}, {@code ALREADY_EXISTS}, ...).
 */
public class TaskRejectedException extends TaskException {
  private static final long serialVersionUID = 1L;

  private final String code;

  /**
   * @param taskId the task's id
   * @param code the gRPC status code name
   * @param message the reason
   */
  public TaskRejectedException(String taskId, String code, String message) {
    super(taskId, "task " + taskId + " rejected (" + code + "): " + message, null);
    this.code = requireNonNull(code, "code");
  }

  /** The gRPC status code name, for example {@code RESOURCE_EXHAUSTED}. */
  public String code() {
    return code;
  }
}

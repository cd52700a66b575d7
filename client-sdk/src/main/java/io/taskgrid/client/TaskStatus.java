package io.taskgrid.client;

import java.util.Optional;

/**
 * What the coordinator knows about one task, as returned by {@link TaskgridClient#getTask}.
 *
 * @param taskId the task's id
 * @param type the handler name
 * @param jobId the job, or empty
 * @param state where the task is
 * @param attempt the current (or last) attempt, 1-based; 0 before the first assignment
 * @param workerId the worker holding it while running, or empty
 * @param result the result once {@link TaskState#DONE}
 */
public record TaskStatus(
    String taskId,
    String type,
    String jobId,
    TaskState state,
    int attempt,
    String workerId,
    Optional<TaskResultInfo> result) {}

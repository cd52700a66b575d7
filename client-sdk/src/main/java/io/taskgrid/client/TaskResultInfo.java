package io.taskgrid.client;

import java.time.Instant;
import java.util.Optional;

/**
 * Metadata of a finished task: which attempt ended it, where and when.
 *
 * @param taskId the task's id
 * @param outcome how it ended ({@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}, {@code
 *     TIMED_OUT}, {@code WORKER_LOST}, {@code REJECTED}, {@code LOST})
 * @param attempt the attempt (1-based) that produced the result; 0 if it never ran
 * @param workerId the worker that ran the attempt; empty if none
 * @param submittedAt when the coordinator accepted the task, if known
 * @param startedAt when the attempt started on a worker, if it ran
 * @param finishedAt when the result was produced, if known
 */
public record TaskResultInfo(
    String taskId,
    String outcome,
    int attempt,
    String workerId,
    Optional<Instant> submittedAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt) {}

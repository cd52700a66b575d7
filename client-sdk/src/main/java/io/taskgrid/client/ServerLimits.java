package io.taskgrid.client;

import java.time.Duration;

/**
 * A coordinator's limits, as {@link TaskgridClient#serverInfo()} reports them (the fields of {@code
 * taskgrid.v1.ServerLimits}).
 *
 * @param maxInboundMessageBytes the largest message the coordinator accepts
 * @param maxMessageBytes the coordinator's message budget: coalesced messages are cut at this size
 * @param maxPayloadBytes the largest task input or handler output
 * @param maxBatchSize tasks per submit batch
 * @param maxIdsPerRequest task ids per cancel, attach or watch request
 * @param maxQueuedTasks queued plus running tasks of the coordinator
 * @param maxQueuedTasksPerTenant queued plus running tasks per tenant
 * @param maxQueuedTasksPerSession queued plus running tasks per session stream
 * @param resultTtl how long a result is kept after its task ended
 * @param retainedMaxResults how many results the cluster keeps at most
 * @param retainedMaxBytes how many bytes of results the cluster keeps at most (0: no byte limit)
 * @param notReadingTimeout a stream that reads nothing this long is closed (zero: never)
 * @param maxStreamQueueBytes bytes queued for one client stream before it is closed
 * @param maxIdChars characters of a task id, type or job id
 * @param maxLabels labels per task
 * @param maxLabelChars characters of a label key or value, and of a content type
 * @param maxAttempts the most attempts a retry policy may ask for
 * @param defaultMaxAttempts attempts when no policy names them
 * @param maxErrorChars characters of an error message or stack kept
 * @param defaultCancelGrace the workers' default grace before a cancelled CPU task is killed
 * @param leaseTimeout a worker silent this long loses its tasks
 * @param maxHeapUsedPercent submissions are refused above this heap use after GC (100: never)
 * @param maxBackoff the largest retry backoff a policy may ask for
 */
public record ServerLimits(
    int maxInboundMessageBytes,
    int maxMessageBytes,
    int maxPayloadBytes,
    int maxBatchSize,
    int maxIdsPerRequest,
    long maxQueuedTasks,
    long maxQueuedTasksPerTenant,
    long maxQueuedTasksPerSession,
    Duration resultTtl,
    long retainedMaxResults,
    long retainedMaxBytes,
    Duration notReadingTimeout,
    long maxStreamQueueBytes,
    int maxIdChars,
    int maxLabels,
    int maxLabelChars,
    int maxAttempts,
    int defaultMaxAttempts,
    int maxErrorChars,
    Duration defaultCancelGrace,
    Duration leaseTimeout,
    int maxHeapUsedPercent,
    Duration maxBackoff) {}

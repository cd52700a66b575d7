package io.taskgrid.coordinator.internal;

import io.taskgrid.coordinator.internal.metrics.BuildInfo;
import io.taskgrid.coordinator.internal.rpc.ReplySizes;
import io.taskgrid.coordinator.internal.sched.SpecLimits;
import io.taskgrid.coordinator.internal.sched.WireIds;
import io.taskgrid.proto.v1.GetServerInfoResponse;
import io.taskgrid.proto.v1.ServerLimits;

/** What GetServerInfo answers: the version and every limit, read from the options in force. */
final class ServerInfos {
  /**
   * The workers' default cancel grace (WorkerOptions.DEFAULT_CANCEL_GRACE_PERIOD; the coordinator
   * does not depend on the worker module, and a test in deploy checks that the two agree).
   */
  static final long DEFAULT_CANCEL_GRACE_MS = 2_000;

  private ServerInfos() {}

  static GetServerInfoResponse of(CoordinatorOptions o) {
    ServerLimits limits =
        ServerLimits.newBuilder()
            .setMaxInboundMessageBytes(Coordinator.MAX_INBOUND_MESSAGE_BYTES)
            .setMaxMessageBytes(o.maxMessageBytes())
            .setMaxPayloadBytes(o.maxPayloadBytes())
            .setMaxBatchSize(o.maxBatchSize())
            .setMaxIdsPerRequest(o.maxIdsPerRequest())
            .setMaxQueuedTasks(o.maxQueuedTasks())
            .setMaxQueuedTasksPerTenant(o.maxQueuedTasksPerTenant())
            .setMaxQueuedTasksPerSession(o.maxQueuedTasksPerSession())
            .setResultTtlMs(o.resultTtl().toMillis())
            .setRetainedMaxResults(o.retainedMax())
            .setRetainedMaxBytes(o.retainedMaxBytes())
            .setNotReadingTimeoutMs(o.notReadingTimeout().toMillis())
            .setMaxStreamQueueBytes(o.maxStreamQueueBytes())
            .setMaxIdChars(WireIds.MAX_ID_LENGTH)
            .setMaxLabels(WireIds.MAX_LABELS)
            .setMaxLabelChars(WireIds.MAX_LABEL_CHARS)
            .setMaxAttempts(SpecLimits.MAX_ATTEMPTS)
            .setDefaultMaxAttempts(SpecLimits.DEFAULT_MAX_ATTEMPTS)
            .setMaxErrorChars(ReplySizes.MAX_ERROR_CHARS)
            .setDefaultCancelGraceMs(DEFAULT_CANCEL_GRACE_MS)
            .setLeaseTimeoutMs(o.leaseTimeout().toMillis())
            .setMaxHeapUsedPercent(o.maxHeapUsedPercent())
            .setMaxBackoffMs(SpecLimits.MAX_BACKOFF_MS)
            .build();
    return GetServerInfoResponse.newBuilder()
        .setServerVersion(BuildInfo.version())
        .setProtocol("taskgrid.v1")
        .setLimits(limits)
        .build();
  }
}

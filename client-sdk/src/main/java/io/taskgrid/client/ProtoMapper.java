package io.taskgrid.client;

import com.google.protobuf.ByteString;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Converts between the SDK's own types and the wire types; the only place that knows both. */
final class ProtoMapper {
  private ProtoMapper() {}

  static TaskSpec toSpec(
      String id,
      String type,
      Payload payload,
      TaskOptions options,
      TaskType<?, ?> taskType,
      Clock clock) {
    TaskSpec.Builder spec =
        TaskSpec.newBuilder()
            .setId(id)
            .setType(type)
            .setPayload(payload)
            .setPriority(options.priority())
            .putAllLabels(options.labels());
    options.jobId().ifPresent(spec::setJobId);
    options.pool().or(taskType::pool).ifPresent(p -> spec.setPool(toProto(p)));
    options.timeout().ifPresent(t -> spec.setTimeoutMs(Math.max(1, t.toMillis())));
    options
        .deadline()
        .or(() -> options.deadlineIn().map(d -> clock.instant().plus(d)))
        .ifPresent(d -> spec.setDeadlineUnixMs(d.toEpochMilli()));
    options.retry().ifPresent(r -> spec.setRetry(toProto(r)));
    return spec.build();
  }

  static <I> Payload payload(Codec<I> codec, I input) {
    return Payload.newBuilder()
        .setData(ByteString.copyFrom(codec.encode(input)))
        .setContentType(codec.contentType())
        .build();
  }

  static Pool toProto(TaskPool pool) {
    return pool == TaskPool.IO ? Pool.IO : Pool.CPU;
  }

  static io.taskgrid.proto.v1.RetryPolicy toProto(RetryPolicy r) {
    return io.taskgrid.proto.v1.RetryPolicy.newBuilder()
        .setMaxAttempts(r.maxAttempts())
        .setInitialBackoffMs(r.initialBackoff().toMillis())
        .setMaxBackoffMs(r.maxBackoff().toMillis())
        .setBackoffMultiplier(r.multiplier())
        .setJitter(r.jitter())
        .addAllNonRetryableErrorTypes(r.nonRetryableErrorTypes())
        .build();
  }

  static CancelOutcome toOutcome(io.taskgrid.proto.v1.CancelOutcome.Result result) {
    return switch (result) {
      case REMOVED_FROM_QUEUE -> CancelOutcome.REMOVED_FROM_QUEUE;
      case STOPPED_WHILE_RUNNING -> CancelOutcome.STOPPED_WHILE_RUNNING;
      case ALREADY_FINISHED -> CancelOutcome.ALREADY_FINISHED;
      default -> CancelOutcome.NOT_FOUND;
    };
  }

  static TaskResultInfo toInfo(TaskResult r) {
    return new TaskResultInfo(
        r.getTaskId(),
        r.getOutcome().name(),
        r.getAttempt(),
        r.getWorkerId(),
        instant(r.getSubmittedUnixMs()),
        instant(r.getStartedUnixMs()),
        instant(r.getFinishedUnixMs()));
  }

  static TaskStatus toStatus(TaskInfo info) {
    TaskState state =
        switch (info.getState()) {
          case RUNNING -> TaskState.RUNNING;
          case DONE -> TaskState.DONE;
          default -> TaskState.QUEUED;
        };
    return new TaskStatus(
        info.getSpec().getId(),
        info.getSpec().getType(),
        info.getSpec().getJobId(),
        state,
        info.getAttempt(),
        info.getWorkerId(),
        info.hasResult() ? Optional.of(toInfo(info.getResult())) : Optional.empty());
  }

  static WorkerInfo toInfo(io.taskgrid.proto.v1.WorkerStatus w) {
    List<WorkerInfo.PoolInfo> pools = new ArrayList<>(w.getPoolsCount());
    for (io.taskgrid.proto.v1.PoolStatus p : w.getPoolsList()) {
      pools.add(
          new WorkerInfo.PoolInfo(
              p.getPool() == Pool.CPU ? TaskPool.CPU : TaskPool.IO,
              p.getCapacity(),
              p.getUsed(),
              List.copyOf(p.getHandlersList())));
    }
    return new WorkerInfo(
        w.getWorkerId(),
        w.getNode(),
        Map.copyOf(w.getLabelsMap()),
        List.copyOf(pools),
        Instant.ofEpochMilli(w.getConnectedUnixMs()));
  }

  static JobStatus toJob(io.taskgrid.proto.v1.GetJobResponse j) {
    return new JobStatus(
        j.getJobId(), j.getSubmitted(), j.getQueued(), j.getRunning(), j.getCompletedMap());
  }

  static CoordinatorStats toStats(io.taskgrid.proto.v1.GetStatsResponse s) {
    Map<TaskPool, Long> queued = new java.util.EnumMap<>(TaskPool.class);
    for (io.taskgrid.proto.v1.PoolQueue q : s.getQueuesList()) {
      queued.put(q.getPool() == Pool.CPU ? TaskPool.CPU : TaskPool.IO, q.getQueued());
    }
    return new CoordinatorStats(queued, s.getLive(), s.getAcceptedTotal(), s.getCompletedTotal());
  }

  static ServerInfo toServerInfo(io.taskgrid.proto.v1.GetServerInfoResponse r) {
    io.taskgrid.proto.v1.ServerLimits l = r.getLimits();
    return new ServerInfo(
        r.getServerVersion(),
        r.getProtocol(),
        r.getTenant(),
        new ServerLimits(
            l.getMaxInboundMessageBytes(),
            l.getMaxMessageBytes(),
            l.getMaxPayloadBytes(),
            l.getMaxBatchSize(),
            l.getMaxIdsPerRequest(),
            l.getMaxQueuedTasks(),
            l.getMaxQueuedTasksPerTenant(),
            l.getMaxQueuedTasksPerSession(),
            java.time.Duration.ofMillis(l.getResultTtlMs()),
            l.getRetainedMaxResults(),
            l.getRetainedMaxBytes(),
            java.time.Duration.ofMillis(l.getNotReadingTimeoutMs()),
            l.getMaxStreamQueueBytes(),
            l.getMaxIdChars(),
            l.getMaxLabels(),
            l.getMaxLabelChars(),
            l.getMaxAttempts(),
            l.getDefaultMaxAttempts(),
            l.getMaxErrorChars(),
            java.time.Duration.ofMillis(l.getDefaultCancelGraceMs()),
            java.time.Duration.ofMillis(l.getLeaseTimeoutMs()),
            l.getMaxHeapUsedPercent(),
            java.time.Duration.ofMillis(l.getMaxBackoffMs())));
  }

  /** The exception for a result that is not SUCCEEDED; every outcome maps to its own type. */
  static RuntimeException toException(TaskResult r) {
    String id = r.getTaskId();
    TaskError e = r.getError();
    String detail = e.getMessage().isEmpty() ? e.getType() : e.getType() + ": " + e.getMessage();
    return switch (r.getOutcome()) {
      case FAILED ->
          new TaskFailedException(
              id, e.getType(), e.getMessage(), e.getStack(), e.getRetryable(), reason(e), null);
      case CANCELLED -> new TaskCancelledException(id, "task " + id + " cancelled: " + detail);
      case TIMED_OUT -> new TaskTimedOutException(id, "task " + id + " timed out: " + detail);
      case WORKER_LOST -> new WorkerLostException(id, "task " + id + " lost its worker: " + detail);
      case LOST -> new TaskLostException(id, "task " + id + " was lost by the cluster: " + detail);
      case REJECTED ->
          // NOT_FOUND: the store holds no such task (its result expired, see RETENTION.md).
          e.getType().equals("NOT_FOUND")
              ? new TaskExpiredException(id, e.getMessage())
              : new TaskRejectedException(
                  id, e.getType().isEmpty() ? "UNKNOWN" : e.getType(), e.getMessage());
      default ->
          new TaskFailedException(
              id,
              "UnknownOutcome",
              "the coordinator reported outcome " + r.getOutcome() + " (" + detail + ")",
              e.getStack(),
              false,
              null);
    };
  }

  /** The error's reason without the enum's prefix ("INVALID_INPUT"). */
  static String reason(TaskError e) {
    io.taskgrid.proto.v1.ErrorReason r = e.getReason();
    String name = r == io.taskgrid.proto.v1.ErrorReason.UNRECOGNIZED ? "UNSPECIFIED" : r.name();
    return name.startsWith("ERROR_REASON_") ? name.substring("ERROR_REASON_".length()) : name;
  }

  private static Optional<Instant> instant(long unixMillis) {
    return unixMillis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(unixMillis));
  }
}

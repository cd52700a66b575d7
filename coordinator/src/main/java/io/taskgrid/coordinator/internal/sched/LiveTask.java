package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler's view of one task that has not ended. Its mutable fields belong to the serial
 * executor that currently holds the task (the unresolved area or one pool's scheduler); only {@link
 * #pool} is read elsewhere, to route a message to that owner.
 */
final class LiveTask {
  /** Attempts in all when the spec gives none (the proto's documented default). */
  static final int DEFAULT_MAX_ATTEMPTS = 3;

  final TaskSpec spec;
  final long submittedMillis;
  final int maxAttempts;

  /** The submitter's tenant as the record stores it: empty for the default tenant. */
  final String tenant;

  /** Set once, when the task's pool is known; read by any thread to route messages. */
  volatile @Nullable Pool pool;

  /**
   * Set once the task has been handed to its owner (queued, or adopted): from then on a cancel held
   * for it may be applied. Not before: its session subscribes to its completion only between
   * registration and dispatch, and a completion published earlier would be lost. Written once.
   */
  volatile boolean dispatched;

  /** The coordinator that schedules the task, written into its records. */
  String owner = "";

  /** The quotas this task counts against (set at admission; none for adopted tasks). */
  @Nullable ClientQuota tenantQuota;

  @Nullable ClientQuota sessionQuota;

  TaskState state = TaskState.QUEUED;
  int attempt;

  /**
   * Attempts that do not count against {@link #maxAttempts}: leases voided although their worker
   * was alive (it never got the assignment, or its result died with a coordinator that left). Kept
   * in memory only; an attempt number is still used up, for fencing.
   */
  int unchargedAttempts;

  @Nullable String workerId;
  long startedMillis;

  /** Why the next attempt is a retry (a {@code TaskEvents.RETRY_*} reason), for metrics. */
  @Nullable String retryReason;

  LiveTask(TaskSpec spec, long submittedMillis, @Nullable Pool pool) {
    this(spec, submittedMillis, pool, "");
  }

  /**
   * @param tenant the record value of the submitter's tenant (see {@code Tenants.recordValue})
   */
  LiveTask(TaskSpec spec, long submittedMillis, @Nullable Pool pool, String tenant) {
    this.tenant = tenant;
    this.spec = spec;
    this.submittedMillis = submittedMillis;
    this.pool = pool;
    int max = spec.hasRetry() ? spec.getRetry().getMaxAttempts() : 0;
    this.maxAttempts = max > 0 ? max : DEFAULT_MAX_ATTEMPTS;
  }

  /** Gives the task's quotas back; called once, when it leaves the live-task directory. */
  void releaseQuotas() {
    ClientQuota t = tenantQuota;
    ClientQuota s = sessionQuota;
    tenantQuota = null;
    sessionQuota = null;
    if (t != null) {
      t.release();
    }
    if (s != null) {
      s.release();
    }
  }

  /** Attempts that count against {@link #maxAttempts}. */
  int chargedAttempts() {
    return attempt - unchargedAttempts;
  }

  String id() {
    return spec.getId();
  }

  String jobId() {
    return spec.getJobId();
  }

  int priority() {
    return spec.getPriority();
  }

  TaskInfo info() {
    TaskInfo.Builder b =
        TaskInfo.newBuilder()
            .setSpec(spec)
            .setState(state)
            .setAttempt(attempt)
            .setSubmittedUnixMs(submittedMillis)
            .setOwner(owner);
    if (workerId != null) {
      b.setWorkerId(workerId);
    }
    if (!tenant.isEmpty()) {
      b.setTenant(tenant);
    }
    return b.build();
  }

  TaskInfo done(TaskResult result) {
    return info().toBuilder().setState(TaskState.DONE).setResult(result).build();
  }

  /** Fills the fields of a result that only the coordinator knows. */
  TaskResult.Builder stamp(TaskResult.Builder r) {
    r.setTaskId(id()).setJobId(jobId()).setSubmittedUnixMs(submittedMillis);
    if (r.getAttempt() == 0) {
      r.setAttempt(attempt);
    }
    if (r.getWorkerId().isEmpty() && workerId != null) {
      r.setWorkerId(workerId);
    }
    if (r.getStartedUnixMs() == 0 && startedMillis != 0) {
      r.setStartedUnixMs(startedMillis);
    }
    return r;
  }
}

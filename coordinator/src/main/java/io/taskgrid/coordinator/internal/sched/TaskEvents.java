package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import org.jspecify.annotations.Nullable;

/**
 * What the scheduler reports about each task, for metrics. Called on the scheduler's serial
 * executors once per task and per attempt, so implementations must be cheap and must not block or
 * take locks. A {@code null} pool means the task's pool was not known yet (no worker had announced
 * its type).
 */
public interface TaskEvents {
  /** Reports nothing. */
  TaskEvents NONE =
      new TaskEvents() {
        @Override
        public void rejected(String code) {}

        @Override
        public void submitted(@Nullable Pool pool, String type) {}

        @Override
        public void started(
            Pool pool,
            String type,
            int attempt,
            long queueWaitMillis,
            @Nullable String retryReason) {}

        @Override
        public void ended(
            @Nullable Pool pool,
            String type,
            Outcome outcome,
            long runMillis,
            long latencyMillis) {}
      };

  /** Why an attempt after the first started: the previous one failed and may be retried. */
  String RETRY_FAILED = "failed";

  /** ... the previous attempt's worker (or CPU child) was lost. */
  String RETRY_WORKER_LOST = "worker_lost";

  /** ... the previous attempt's lease was void (the worker did not run it, per a Reconcile). */
  String RETRY_LEASE_LOST = "lease_lost";

  /** ... the task was adopted from a coordinator that left. */
  String RETRY_ADOPTED = "adopted";

  /**
   * A submitted task was rejected before it was accepted (invalid, unknown type, queue full, store
   * unavailable, id reused with another spec).
   *
   * @param code the gRPC status code name of the rejection, e.g. {@code RESOURCE_EXHAUSTED}
   */
  void rejected(String code);

  /** A task of {@code type} was accepted (stored) and handed to the scheduler. */
  void submitted(@Nullable Pool pool, String type);

  /**
   * An attempt was leased to a worker.
   *
   * @param attempt 1 for the first run, more for a retry
   * @param queueWaitMillis time from acceptance to this lease (for a retry, this includes the
   *     earlier attempts)
   * @param retryReason for a retry, why the previous attempt ended (a {@code RETRY_*} constant);
   *     null for a first attempt
   */
  void started(
      Pool pool, String type, int attempt, long queueWaitMillis, @Nullable String retryReason);

  /**
   * A task ended with its final outcome.
   *
   * @param runMillis run time of the last attempt, or -1 if it never ran
   * @param latencyMillis time from acceptance to the end
   */
  void ended(@Nullable Pool pool, String type, Outcome outcome, long runMillis, long latencyMillis);

  /**
   * A worker connected announcing {@code type} in {@code pool}: the type may get series of its own
   * (types never announced are counted under one bounded label value).
   */
  default void typeAnnounced(Pool pool, String type) {}

  /** A worker was declared dead because it stayed silent longer than its lease. */
  default void workerDeclaredDead() {}

  /** Why a worker's result is dropped: its stream does not hold that task's current lease. */
  String DROPPED_NOT_HELD = "not_held";

  /**
   * A result was dropped because the stream it arrived on does not hold the task's current lease (a
   * stale attempt, or a forged report); see {@link #DROPPED_NOT_HELD}.
   */
  default void resultDropped(String reason) {}

  /** Stranded tasks were scheduled: live records naming this coordinator that it held nowhere. */
  default void strandedRecovered(int count) {}
}

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
        public void submitted(@Nullable Pool pool) {}

        @Override
        public void started(Pool pool, int attempt, long queueWaitMillis) {}

        @Override
        public void ended(
            @Nullable Pool pool, Outcome outcome, long runMillis, long latencyMillis) {}
      };

  /**
   * A submitted task was rejected before it was accepted (invalid, unknown type, queue full, store
   * unavailable, id reused with another spec).
   *
   * @param code the gRPC status code name of the rejection, e.g. {@code RESOURCE_EXHAUSTED}
   */
  void rejected(String code);

  /** A task was accepted (stored) and handed to the scheduler. */
  void submitted(@Nullable Pool pool);

  /**
   * An attempt was leased to a worker.
   *
   * @param attempt 1 for the first run, more for a retry
   * @param queueWaitMillis time from acceptance to this lease (for a retry, this includes the
   *     earlier attempts)
   */
  void started(Pool pool, int attempt, long queueWaitMillis);

  /**
   * A task ended with its final outcome.
   *
   * @param runMillis run time of the last attempt, or -1 if it never ran
   * @param latencyMillis time from acceptance to the end
   */
  void ended(@Nullable Pool pool, Outcome outcome, long runMillis, long latencyMillis);

  /** Why a worker's result is dropped: its stream does not hold that task's current lease. */
  String DROPPED_NOT_HELD = "not_held";

  /**
   * A result was dropped because the stream it arrived on does not hold the task's current lease (a
   * stale attempt, or a forged report); see {@link #DROPPED_NOT_HELD}.
   */
  default void resultDropped(String reason) {}
}

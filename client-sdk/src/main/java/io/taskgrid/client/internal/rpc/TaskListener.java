package io.taskgrid.client.internal.rpc;

import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;

/**
 * Receives the end of one submitted task. Called exactly once, on the client's callback executor
 * (never on a gRPC thread), so an implementation may run user code. Several listeners may be bound
 * to one task (each resubmit of a pending id with the same spec adds one); each is told on its own.
 */
public interface TaskListener {
  /** The coordinator (or the SDK itself) refused the task; it never runs. */
  void onRejected(String code, String message);

  /** The task ended with this result (any outcome). */
  void onResult(TaskResult result);

  /** The task's handler reported progress (best effort; never after {@link #onResult}). */
  void onProgress(TaskProgress progress);

  /** The client was closed before the task ended. */
  void onClientClosed();
}

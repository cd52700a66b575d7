package io.taskgrid.worker.internal.rpc;

import io.taskgrid.proto.v1.Assignments;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.Reconcile;

/**
 * What a {@link CoordinatorConnection} tells the agent. Called on gRPC transport threads or the
 * connection's executor: implementations must not block.
 */
public interface ConnectionListener {
  /** The stream is open and hello was sent (the coordinator may not have answered yet). */
  void onConnected(CoordinatorConnection connection);

  /** The coordinator answered on the stream (its hello ack or any first message). */
  void onAnswered(CoordinatorConnection connection);

  /** A stream is being reopened after the previous one ended or could not be opened. */
  void onReconnectAttempt(CoordinatorConnection connection);

  /** The stream failed or ended; a reconnect is scheduled. */
  void onDisconnected(CoordinatorConnection connection);

  /** The coordinator assigned tasks. */
  void onAssignments(CoordinatorConnection connection, Assignments assignments);

  /** The coordinator cancelled tasks. */
  void onCancels(CoordinatorConnection connection, CancelTasks cancels);

  /** The coordinator asked for no new work. */
  void onDrain(CoordinatorConnection connection);

  /**
   * The coordinator said whether it has work waiting (already applied to the ledger): slots may
   * have moved to other connections, which must send their new credits or recalls.
   */
  void onDemand(CoordinatorConnection connection);

  /** The coordinator asks which of these tasks this worker runs; answer with sendRunning. */
  void onReconcile(CoordinatorConnection connection, Reconcile reconcile);
}

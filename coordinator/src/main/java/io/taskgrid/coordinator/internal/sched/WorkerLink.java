package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.PoolDemand;
import java.util.List;

/**
 * The outbound side of one worker's stream, as the scheduler sees it. Implementations queue and
 * send in order, respecting the stream's flow control; calls never block.
 */
public interface WorkerLink {
  /** Sends one batch of assignments. */
  void sendAssignments(List<Assignment> assignments);

  /** Tells the worker to stop tasks. */
  void sendCancels(CancelTasks cancels);

  /** Tells the worker to take no new work (this coordinator is stopping). */
  void sendDrain();

  /** Asks the worker which of these tasks it still runs (it answers with RunningTasks). */
  void sendReconcile(List<String> taskIds);

  /** Tells the worker whether work is waiting in a pool, and gives credits back. */
  void sendDemand(PoolDemand demand);
}

package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.TaskResult;
import java.util.List;
import java.util.function.Consumer;

/**
 * Carries terminal results between the coordinators of a cluster: a client may watch a task on one
 * coordinator while another schedules it, and a worker may report a result to a coordinator that
 * does not schedule the task. Implementations never block the caller.
 */
public interface CompletionBus {
  /** A bus for a coordinator alone: there is nobody else to tell. */
  CompletionBus LOCAL =
      new CompletionBus() {
        @Override
        public void publish(List<TaskResult> results) {}

        @Override
        public void subscribe(Consumer<List<TaskResult>> fromOthers) {}
      };

  /** Tells the other coordinators that these tasks ended (their stored outcome). */
  void publish(List<TaskResult> results);

  /** Registers the receiver of results published by the other coordinators (called once). */
  void subscribe(Consumer<List<TaskResult>> fromOthers);
}

package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import java.util.List;

/** Receives terminal results of watched tasks. Called from store threads; must not block. */
public interface CompletionSubscriber {
  /** Results, in completion order. */
  void onCompletions(List<TaskResult> results);

  /**
   * Progress of watched tasks that are still running. Best effort; subscribers that only want
   * results (job watches) ignore it.
   */
  default void onProgress(List<TaskProgress> updates) {}
}

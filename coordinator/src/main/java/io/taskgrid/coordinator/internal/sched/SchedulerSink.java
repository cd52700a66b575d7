package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskInfo;
import java.util.List;

/** Where the serial schedulers hand state changes; implementations never block. */
interface SchedulerSink {
  /** An attempt of a task was just leased in {@code pool} (for metrics; must not block). */
  void started(Pool pool, LiveTask task);

  /** Tasks just leased (RUNNING), for the store. */
  void leased(List<TaskInfo> running);

  /** Tasks that ended (DONE, result set): store them, then notify watchers. */
  void completed(List<LiveTask> tasks, List<TaskInfo> done);

  /** A task that another coordinator ended was dropped here: it is no longer live. */
  void forgotten(LiveTask task);

  /** A worker's result was dropped: the stream it came on did not hold the task's lease. */
  void resultDropped(String reason);
}

package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.TaskInfo;
import java.util.List;

/** Where the serial schedulers hand state changes; implementations never block. */
interface SchedulerSink {
  /** Tasks just leased (RUNNING), for the store. */
  void leased(List<TaskInfo> running);

  /** Tasks that ended (DONE, result set): store them, then notify watchers. */
  void completed(List<LiveTask> tasks, List<TaskInfo> done);

  /** A task that another coordinator ended was dropped here: it is no longer live. */
  void forgotten(LiveTask task);
}

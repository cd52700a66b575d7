package io.taskgrid.coordinator.internal.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import org.jspecify.annotations.Nullable;

/** Protobuf byte encoding of stored records: fast, compact, and no Java serialization. */
final class TaskRecords {
  private TaskRecords() {}

  static byte[] encode(TaskInfo info) {
    return info.toByteArray();
  }

  static TaskInfo decode(byte[] bytes) {
    try {
      return TaskInfo.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt task record in store", e);
    }
  }

  /** Whether a live-state write may replace {@code stored} (see TaskStore#updateAll). */
  static boolean mayUpdate(byte @Nullable [] stored, TaskInfo update) {
    if (stored == null) {
      return true;
    }
    TaskInfo old = decode(stored);
    return old.getState() != TaskState.DONE && old.getAttempt() <= update.getAttempt();
  }
}

package io.taskgrid.coordinator.internal.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.taskgrid.proto.v1.TaskInfo;

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
}

package io.taskgrid.coordinator.internal.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import java.util.Set;
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
    return mayUpdate(stored, update.getAttempt());
  }

  /**
   * As above, for an update of {@code attempt}. A live write never creates a record: records are
   * created by {@code createAll}, and a task that ended has no live record any more, so a late
   * write must not bring it back.
   */
  static boolean mayUpdate(byte @Nullable [] stored, int attempt) {
    if (stored == null) {
      return false;
    }
    RecordHeader old = RecordHeader.of(stored);
    return old.state() != TaskState.DONE && old.attempt() <= attempt;
  }

  /** Whether a terminal write may replace {@code stored}: the first terminal record wins. */
  static boolean mayComplete(byte @Nullable [] stored) {
    return stored == null || RecordHeader.of(stored).state() != TaskState.DONE;
  }

  /**
   * Whether a worker's report of {@code attempt} on {@code workerId} may end {@code stored}: only
   * while the record still shows that very lease (RUNNING, same attempt, same worker).
   */
  static boolean isCurrentLease(byte @Nullable [] stored, int attempt, String workerId) {
    return showsLease(stored, TaskState.RUNNING, attempt, workerId);
  }

  /**
   * Whether {@code stored} is the DONE record that a TAKE_LEASE of this very lease left in the live
   * map (see BatchWriteProcessor): a repeated take answers it again.
   */
  static boolean isTakenLease(byte @Nullable [] stored, int attempt, String workerId) {
    return showsLease(stored, TaskState.DONE, attempt, workerId);
  }

  private static boolean showsLease(
      byte @Nullable [] stored, TaskState state, int attempt, String workerId) {
    if (stored == null) {
      return false;
    }
    RecordHeader old = RecordHeader.of(stored);
    return old.state() == state && old.attempt() == attempt && old.workerId().equals(workerId);
  }

  static TaskResult decodeResult(byte[] bytes) {
    try {
      return TaskResult.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt task result", e);
    }
  }

  /**
   * The DONE record that a worker's report turns {@code stored} into, or null when the report is
   * not for the lease the record shows (see {@link #isCurrentLease}).
   */
  static byte @Nullable [] completeLease(byte @Nullable [] stored, TaskResult report) {
    if (stored == null || !isCurrentLease(stored, report.getAttempt(), report.getWorkerId())) {
      return null;
    }
    TaskInfo old = decode(stored);
    TaskResult.Builder r =
        report.toBuilder()
            .setTaskId(old.getSpec().getId())
            .setJobId(old.getSpec().getJobId())
            .setSubmittedUnixMs(old.getSubmittedUnixMs());
    return encode(old.toBuilder().setState(TaskState.DONE).setResult(r).build());
  }

  /** {@code stored} with {@code newOwner}, if it is live and its owner is gone; else null. */
  static @Nullable TaskInfo claim(
      byte @Nullable [] stored, Set<String> liveOwners, String newOwner) {
    if (stored == null) {
      return null;
    }
    RecordHeader header = RecordHeader.of(stored);
    if (header.state() == TaskState.DONE || liveOwners.contains(header.owner())) {
      return null;
    }
    return decode(stored).toBuilder().setOwner(newOwner).build();
  }
}

package io.taskgrid.coordinator.internal.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import java.io.IOException;

/**
 * The fields of a stored {@link TaskInfo} that the conditional writes decide on (state, attempt,
 * worker, owner), read straight from its bytes. The spec and the result, most of a record, are
 * skipped unparsed: a full decode of the stored record in every entry processor was ~10 % of the
 * coordinator's CPU on short tasks.
 */
record RecordHeader(TaskState state, int attempt, String workerId, String owner) {
  private static final int STATE = TaskInfo.STATE_FIELD_NUMBER;
  private static final int ATTEMPT = TaskInfo.ATTEMPT_FIELD_NUMBER;
  private static final int WORKER_ID = TaskInfo.WORKER_ID_FIELD_NUMBER;
  private static final int OWNER = TaskInfo.OWNER_FIELD_NUMBER;

  /** Reads the header; as a full parse would, the last occurrence of a field wins. */
  static RecordHeader of(byte[] bytes) {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    int state = 0;
    int attempt = 0;
    String workerId = "";
    String owner = "";
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case STATE -> state = in.readEnum();
          case ATTEMPT -> attempt = in.readInt32();
          case WORKER_ID -> workerId = in.readStringRequireUtf8();
          case OWNER -> owner = in.readStringRequireUtf8();
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) { // InvalidProtocolBufferException: truncated or malformed
      throw new IllegalStateException("corrupt task record in store", e);
    }
    TaskState s = TaskState.forNumber(state);
    return new RecordHeader(s == null ? TaskState.UNRECOGNIZED : s, attempt, workerId, owner);
  }
}

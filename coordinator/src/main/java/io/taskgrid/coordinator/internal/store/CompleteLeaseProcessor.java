package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.taskgrid.proto.v1.TaskResult;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Ends a task from a worker's report that reached a coordinator which does not schedule the task:
 * the record becomes DONE only if it still shows the very lease the report is for (RUNNING, same
 * attempt, same worker) and returns the new record; otherwise nothing changes and it returns null.
 * Runs on the key's partition thread (atomic check and write).
 */
public final class CompleteLeaseProcessor
    implements EntryProcessor<String, byte[], byte[]>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private byte[] result = new byte[0];
  private long ttlMillis;

  /** For Hazelcast deserialization. */
  public CompleteLeaseProcessor() {}

  CompleteLeaseProcessor(TaskResult result, long ttlMillis) {
    this(result.toByteArray(), ttlMillis);
  }

  /** {@code result}: an encoded {@link TaskResult}. */
  CompleteLeaseProcessor(byte[] result, long ttlMillis) {
    this.result = result;
    this.ttlMillis = ttlMillis;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, byte[]> entry) {
    byte[] done = TaskRecords.completeLease(entry.getValue(), TaskRecords.decodeResult(result));
    if (done == null) {
      return null;
    }
    ((ExtendedMapEntry<String, byte[]>) entry).setValue(done, ttlMillis, TimeUnit.MILLISECONDS);
    return done;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(result);
    out.writeLong(ttlMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    byte[] read = in.readByteArray();
    result = read == null ? new byte[0] : read;
    ttlMillis = in.readLong();
  }
}

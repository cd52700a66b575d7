package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Writes a terminal record (with the result TTL) unless the stored one is DONE already. Returns
 * null when the new record won (the caller has it: no copy travels back, nothing is decoded) and
 * the earlier DONE record when that one stands. Runs on the key's partition thread, so of two
 * terminal writes that race (a coordinator's own outcome and a worker report forwarded by another
 * coordinator) exactly one is recorded.
 */
public final class CompleteFirstProcessor
    implements EntryProcessor<String, byte[], byte[]>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private byte[] value = new byte[0];
  private long ttlMillis;

  /** For Hazelcast deserialization. */
  public CompleteFirstProcessor() {}

  CompleteFirstProcessor(byte[] value, long ttlMillis) {
    this.value = value;
    this.ttlMillis = ttlMillis;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, byte[]> entry) {
    byte[] stored = entry.getValue();
    if (!TaskRecords.mayComplete(stored)) {
      return stored;
    }
    ((ExtendedMapEntry<String, byte[]>) entry).setValue(value, ttlMillis, TimeUnit.MILLISECONDS);
    return null;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(value);
    out.writeLong(ttlMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    byte[] read = in.readByteArray();
    value = read == null ? new byte[0] : read;
    ttlMillis = in.readLong();
  }
}

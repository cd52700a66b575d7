package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Stores a record unless one exists and returns the existing one (null when it stored). Runs on the
 * key's partition thread, so concurrent submissions of one id cannot both win. IMap has no
 * putIfAbsentAsync; submitToKey with this processor is its asynchronous equivalent.
 */
public final class PutIfAbsentProcessor
    implements EntryProcessor<String, byte[], byte[]>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private byte[] value = new byte[0];

  /** For Hazelcast deserialization. */
  public PutIfAbsentProcessor() {}

  PutIfAbsentProcessor(byte[] value) {
    this.value = value;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte[] process(Map.Entry<String, byte[]> entry) {
    byte[] existing = entry.getValue();
    if (existing != null) {
      return existing;
    }
    entry.setValue(value);
    return null;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(value);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    byte[] read = in.readByteArray();
    value = read == null ? new byte[0] : read;
  }
}

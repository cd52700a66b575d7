package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Writes a live record unless the stored one is DONE or of a later attempt. Runs on the key's
 * partition thread, so the check and the write are atomic.
 */
public final class UpdateLiveProcessor
    implements EntryProcessor<String, byte[], Boolean>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private byte[] value = new byte[0];

  /** For Hazelcast deserialization. */
  public UpdateLiveProcessor() {}

  UpdateLiveProcessor(byte[] value) {
    this.value = value;
  }

  @Override
  public Boolean process(Map.Entry<String, byte[]> entry) {
    if (!TaskRecords.mayUpdate(entry.getValue(), RecordHeader.of(value).attempt())) {
      return false;
    }
    entry.setValue(value);
    return true;
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

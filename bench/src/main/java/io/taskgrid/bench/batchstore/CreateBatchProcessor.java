package io.taskgrid.bench.batchstore;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Stores a new batch record unless its key holds one (a resubmitted batch): answers null when it
 * stored the record, else the record that stands, so that a resubmission learns what each of its
 * tasks became. IMap has no asynchronous put-if-absent; this is the store's own way to write one.
 */
public final class CreateBatchProcessor
    implements EntryProcessor<String, byte[], byte[]>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private byte[] record = new byte[0];

  /** For Hazelcast deserialization. */
  public CreateBatchProcessor() {}

  public CreateBatchProcessor(byte[] record) {
    this.record = record.clone();
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, byte[]> entry) {
    byte @Nullable [] existing = entry.getValue();
    if (existing != null) {
      return existing;
    }
    entry.setValue(record);
    return null;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(record);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    byte[] bytes = in.readByteArray();
    record = bytes == null ? new byte[0] : bytes;
  }
}

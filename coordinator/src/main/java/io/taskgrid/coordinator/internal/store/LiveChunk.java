package io.taskgrid.coordinator.internal.store;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The live records of one chunk of consecutive task ids (see {@link ChunkIds}): task id to encoded
 * {@code TaskInfo}, each decided on exactly as a record of its own would be (see {@link
 * BatchWriteProcessor}). The chunk map keeps these as objects (Hazelcast's OBJECT in-memory
 * format), so an entry processor changes one task's record in place instead of copying the whole
 * chunk; a chunk is serialized only when a partition's replica moves or is synchronised.
 *
 * <p>Confined to the partition thread of its key (Hazelcast runs every operation on an entry
 * there), so it needs no locking.
 */
public final class LiveChunk implements IdentifiedDataSerializable {
  private Map<String, byte[]> records;

  /** For Hazelcast deserialization. */
  public LiveChunk() {
    this.records = new HashMap<>();
  }

  LiveChunk(int expected) {
    this.records = new HashMap<>(Math.max(16, expected * 2));
  }

  byte @Nullable [] get(String taskId) {
    return records.get(taskId);
  }

  /** Sets a task's record, or removes it when {@code record} is null. */
  void set(String taskId, byte @Nullable [] record) {
    if (record == null) {
      records.remove(taskId);
    } else {
      records.put(taskId, record);
    }
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  /** Every record, for the scans (adoption, a job's records). */
  Iterable<Map.Entry<String, byte[]>> entries() {
    return records.entrySet();
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.LIVE_CHUNK;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(records.size());
    for (Map.Entry<String, byte[]> e : records.entrySet()) {
      out.writeString(e.getKey());
      out.writeByteArray(e.getValue());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    records = new HashMap<>(Math.max(16, n * 2));
    for (int i = 0; i < n; i++) {
      String id = in.readString();
      byte[] record = in.readByteArray();
      if (id != null && record != null) {
        records.put(id, record);
      }
    }
  }
}

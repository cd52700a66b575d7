package io.taskgrid.coordinator.internal.store;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.taskgrid.proto.v1.TaskState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the ids of the live (not DONE) records that name one owner, for the audit that looks for a
 * task its owner holds in the store but does not schedule ({@code TaskStore#ownedLiveIds}). Reads
 * only the record headers and writes nothing. An entry is a task's record of its own or a {@link
 * LiveChunk}; the answer per entry is the ids it found, {@linkplain ChunkWriteProcessor#pack
 * packed} (null: none; read them with {@link #ids}).
 *
 * <p>A class of its own rather than a third mode of {@link ScanProcessor}: a field added to that
 * processor would change the bytes of the orphan claim that members of an earlier release must
 * still read while they share a cluster with this one. A member of an earlier release cannot read
 * this scan, so the audit fails there and is tried again at its next round.
 */
public final class OwnedLiveScan
    implements EntryProcessor<String, Object, byte[]>, IdentifiedDataSerializable, ReadOnly {
  private static final long serialVersionUID = 1L;

  private String owner = "";

  /** For Hazelcast deserialization. */
  public OwnedLiveScan() {}

  OwnedLiveScan(String owner) {
    if (owner.isEmpty()) {
      throw new IllegalArgumentException("an owner is needed");
    }
    this.owner = owner;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, Object> entry) {
    Object value = entry.getValue();
    List<byte[]> found = new ArrayList<>();
    if (value instanceof byte[] record) {
      add(found, entry.getKey(), record);
    } else if (value instanceof LiveChunk chunk) {
      for (Map.Entry<String, byte[]> task : chunk.entries()) {
        add(found, task.getKey(), task.getValue());
      }
    }
    return found.isEmpty() ? null : ChunkWriteProcessor.pack(found.toArray(new byte[0][]));
  }

  private void add(List<byte[]> found, String id, byte[] record) {
    RecordHeader header = RecordHeader.of(record);
    if (header.state() != TaskState.DONE && header.owner().equals(owner)) {
      found.add(id.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public @Nullable EntryProcessor<String, Object, byte[]> getBackupProcessor() {
    return null; // writes nothing
  }

  /** The ids one entry answered. */
  static List<String> ids(byte @Nullable [] packed) {
    List<String> out = new ArrayList<>();
    for (byte[] id : ChunkWriteProcessor.unpackPresent(packed)) {
      out.add(new String(id, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.OWNED_LIVE_SCAN;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(owner);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    String o = in.readString();
    owner = o == null ? "" : o;
  }
}

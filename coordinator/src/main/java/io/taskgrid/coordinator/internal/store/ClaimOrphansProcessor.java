package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.taskgrid.proto.v1.TaskInfo;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Claims a live (not DONE) record whose owner is not among the live coordinators: writes the new
 * owner and returns the claimed record; returns null for every other record. The check and the
 * write are atomic per key, so two coordinators that both try to adopt a task cannot both win.
 */
public final class ClaimOrphansProcessor
    implements EntryProcessor<String, byte[], byte[]>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private Set<String> liveOwners = new HashSet<>();
  private String newOwner = "";

  /** For Hazelcast deserialization. */
  public ClaimOrphansProcessor() {}

  ClaimOrphansProcessor(Set<String> liveOwners, String newOwner) {
    this.liveOwners = new HashSet<>(liveOwners);
    this.newOwner = newOwner;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, byte[]> entry) {
    TaskInfo claimed = TaskRecords.claim(entry.getValue(), liveOwners, newOwner);
    if (claimed == null) {
      return null;
    }
    byte[] bytes = TaskRecords.encode(claimed);
    entry.setValue(bytes);
    return bytes;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(liveOwners.size());
    for (String o : liveOwners) {
      out.writeString(o);
    }
    out.writeString(newOwner);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    liveOwners = new HashSet<>();
    for (int i = 0; i < n; i++) {
      liveOwners.add(in.readString());
    }
    String owner = in.readString();
    newOwner = owner == null ? "" : owner;
  }
}

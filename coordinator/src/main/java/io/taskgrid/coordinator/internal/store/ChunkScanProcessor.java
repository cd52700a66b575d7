package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.taskgrid.proto.v1.TaskInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The two scans of every live record ({@link ClaimOrphansProcessor} and {@link
 * JobRecordsProcessor}) over the tasks kept in {@link LiveChunk}s: each task of a chunk is decided
 * on exactly as a record of its own would be, and the chunk answers the records it claimed or
 * found, {@linkplain ChunkWriteProcessor#pack packed}. A claim writes only the tasks it claims.
 */
public final class ChunkScanProcessor
    implements EntryProcessor<String, LiveChunk, byte[]>, IdentifiedDataSerializable {
  private static final long serialVersionUID = 1L;

  private boolean claim;
  private Set<String> liveOwners = new HashSet<>();
  private String newOwner = "";
  private String jobId = "";

  /** For Hazelcast deserialization. */
  public ChunkScanProcessor() {}

  /** Claims the live tasks whose owner is not in {@code liveOwners} for {@code newOwner}. */
  static ChunkScanProcessor claimOrphans(Set<String> liveOwners, String newOwner) {
    ChunkScanProcessor p = new ChunkScanProcessor();
    p.claim = true;
    p.liveOwners = new HashSet<>(liveOwners);
    p.newOwner = newOwner;
    return p;
  }

  /** Finds the live tasks of {@code jobId}; writes nothing. */
  static ChunkScanProcessor jobRecords(String jobId) {
    ChunkScanProcessor p = new ChunkScanProcessor();
    p.jobId = jobId;
    return p;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, LiveChunk> entry) {
    LiveChunk chunk = entry.getValue();
    if (chunk == null) {
      return null;
    }
    List<byte[]> found = new ArrayList<>();
    List<String> claimedIds = new ArrayList<>();
    for (Map.Entry<String, byte[]> task : chunk.entries()) {
      if (claim) {
        TaskInfo claimed = TaskRecords.claim(task.getValue(), liveOwners, newOwner);
        if (claimed != null) {
          claimedIds.add(task.getKey());
          found.add(TaskRecords.encode(claimed));
        }
      } else if (TaskRecords.decode(task.getValue()).getSpec().getJobId().equals(jobId)) {
        found.add(task.getValue());
      }
    }
    if (found.isEmpty()) {
      return null;
    }
    if (claim) {
      for (int i = 0; i < claimedIds.size(); i++) {
        chunk.set(claimedIds.get(i), found.get(i));
      }
      entry.setValue(chunk);
    }
    return ChunkWriteProcessor.pack(found.toArray(new byte[0][]));
  }

  /** The job scan reads only; a claim's backup runs the same claim (it decides alike). */
  @Override
  public @Nullable EntryProcessor<String, LiveChunk, byte[]> getBackupProcessor() {
    return claim ? this : null;
  }

  /** The records a chunk answered. */
  static List<TaskInfo> records(byte @Nullable [] packed) {
    List<TaskInfo> out = new ArrayList<>();
    if (packed == null) {
      return out;
    }
    int n = java.nio.ByteBuffer.wrap(packed).getInt();
    for (byte[] r : ChunkWriteProcessor.unpack(packed, n)) {
      if (r != null) {
        out.add(TaskRecords.decode(r));
      }
    }
    return out;
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.CHUNK_SCAN;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeBoolean(claim);
    out.writeInt(liveOwners.size());
    for (String o : liveOwners) {
      out.writeString(o);
    }
    out.writeString(newOwner);
    out.writeString(jobId);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    claim = in.readBoolean();
    int n = in.readInt();
    liveOwners = new HashSet<>();
    for (int i = 0; i < n; i++) {
      liveOwners.add(in.readString());
    }
    String owner = in.readString();
    newOwner = owner == null ? "" : owner;
    String job = in.readString();
    jobId = job == null ? "" : job;
  }
}

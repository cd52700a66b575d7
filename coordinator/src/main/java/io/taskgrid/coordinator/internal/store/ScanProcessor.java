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
 * The store's two scans of every entry, run through the public {@code IMap.executeOnEntries} with
 * one input for all entries (they are rare, so they need no batched operation of their own):
 *
 * <ul>
 *   <li>{@link #claimOrphans}: claims each live (not DONE) record whose owner is not among the live
 *       coordinators, writing the new owner; the check and the write are atomic per entry, so two
 *       coordinators that both try to adopt a task cannot both win;
 *   <li>{@link #jobRecords}: finds the records of one job; writes nothing.
 * </ul>
 *
 * An entry is a task's record of its own ({@code byte[]}), a {@link LiveChunk}, whose tasks are
 * each decided on exactly as a record of its own would be, or (for the job scan) a {@link
 * FinishedChunk}. The answer per entry is the records it claimed or found, {@linkplain
 * ChunkWriteProcessor#pack packed} (null: none; read them with {@link #records}).
 */
public final class ScanProcessor
    implements EntryProcessor<String, Object, byte[]>, IdentifiedDataSerializable {
  private static final long serialVersionUID = 1L;

  private boolean claim;
  private Set<String> liveOwners = new HashSet<>();
  private String newOwner = "";
  private String jobId = "";

  /** For Hazelcast deserialization. */
  public ScanProcessor() {}

  /** Claims the live tasks whose owner is not in {@code liveOwners} for {@code newOwner}. */
  static ScanProcessor claimOrphans(Set<String> liveOwners, String newOwner) {
    ScanProcessor p = new ScanProcessor();
    p.claim = true;
    p.liveOwners = new HashSet<>(liveOwners);
    p.newOwner = newOwner;
    return p;
  }

  /** Finds the live tasks of {@code jobId}; writes nothing. */
  static ScanProcessor jobRecords(String jobId) {
    ScanProcessor p = new ScanProcessor();
    p.jobId = jobId;
    return p;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, Object> entry) {
    Object value = entry.getValue();
    if (value instanceof byte[] record) {
      byte[] answer = decide(record);
      if (answer == null) {
        return null;
      }
      if (claim) {
        entry.setValue(answer);
      }
      return ChunkWriteProcessor.pack(new byte[][] {answer});
    }
    if (value instanceof FinishedChunk finished) {
      // Only the job scan reaches finished chunks (a claim is of live records).
      List<byte[]> found = new ArrayList<>();
      for (Map.Entry<String, FinishedChunk.Finished> task : finished.entries()) {
        if (!claim && decide(task.getValue().record()) != null) {
          found.add(task.getValue().record());
        }
      }
      return found.isEmpty() ? null : ChunkWriteProcessor.pack(found.toArray(new byte[0][]));
    }
    if (!(value instanceof LiveChunk chunk)) {
      return null;
    }
    List<byte[]> found = new ArrayList<>();
    List<String> claimedIds = new ArrayList<>();
    for (Map.Entry<String, byte[]> task : chunk.entries()) {
      byte[] answer = decide(task.getValue());
      if (answer != null) {
        claimedIds.add(task.getKey());
        found.add(answer);
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

  /**
   * The record a claim makes of {@code record}, or {@code record} if it is of the job; else null.
   */
  private byte @Nullable [] decide(byte[] record) {
    if (claim) {
      TaskInfo claimed = TaskRecords.claim(record, liveOwners, newOwner);
      return claimed == null ? null : TaskRecords.encode(claimed);
    }
    return TaskRecords.decode(record).getSpec().getJobId().equals(jobId) ? record : null;
  }

  /** The job scan reads only; a claim's backup runs the same claim (it decides alike). */
  @Override
  public @Nullable EntryProcessor<String, Object, byte[]> getBackupProcessor() {
    return claim ? this : null;
  }

  /** The records a chunk answered. */
  static List<TaskInfo> records(byte @Nullable [] packed) {
    List<TaskInfo> out = new ArrayList<>();
    for (byte[] r : ChunkWriteProcessor.unpackPresent(packed)) {
      out.add(TaskRecords.decode(r));
    }
    return out;
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.SCAN_PROCESSOR;
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

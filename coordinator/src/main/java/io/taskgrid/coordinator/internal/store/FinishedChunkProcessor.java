package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Decision;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Kind;
import io.taskgrid.coordinator.internal.store.ChunkWriteProcessor.Writes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The finished-record writes of {@link BatchWriteProcessor} for tasks whose finished records are
 * kept in {@link FinishedChunk}s (store format 4): per chunk key, the writes of its tasks, each
 * decided by {@link BatchWriteProcessor#decide} on that task's record exactly as on a record of its
 * own, in the order given, so a chunk's completions cost one entry operation (and one backup of it)
 * however many there are. Only {@link Kind#COMPLETE_FIRST} (the first terminal record wins; a lease
 * a worker's report took counts as the earlier one, {@link TakenLeases}) and {@link Kind#READ}
 * apply. A record is stamped with {@code expiresAtMillis} (the writing coordinator's clock plus its
 * result TTL), which the retention expires it by; the backups get the same stamp. The answer per
 * chunk is the per-task answers {@linkplain ChunkWriteProcessor#pack packed}.
 */
public final class FinishedChunkProcessor
    implements EntryProcessor<String, FinishedChunk, byte[]>,
        IdentifiedDataSerializable,
        PartitionRecords.Reader {
  private static final long serialVersionUID = 1L;

  private Kind kind = Kind.READ;
  private long expiresAtMillis;
  private Map<String, Writes> writes = new HashMap<>();
  private final TakenLeases taken = new TakenLeases();

  /** For Hazelcast deserialization. */
  public FinishedChunkProcessor() {}

  FinishedChunkProcessor(Kind kind, long expiresAtMillis, Map<String, Writes> writes) {
    if (kind != Kind.COMPLETE_FIRST && kind != Kind.READ) {
      throw new IllegalArgumentException(kind + " is not a write of finished records");
    }
    this.kind = kind;
    this.expiresAtMillis = expiresAtMillis;
    this.writes = writes;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, FinishedChunk> entry) {
    Writes mine = writes.get(entry.getKey());
    if (mine == null) {
      // Hazelcast only applies this to the keys it was sent with, which are the writes' keys.
      throw new IllegalStateException("no writes for chunk " + entry.getKey());
    }
    FinishedChunk chunk = entry.getValue();
    boolean changed = false;
    byte[][] answers = new byte[mine.size()][];
    boolean anyAnswer = false;
    for (int i = 0; i < mine.size(); i++) {
      String id = mine.ids().get(i);
      byte[] stored = chunk == null ? null : chunk.get(id);
      byte[] input = mine.inputs().get(i);
      Decision d;
      byte[] lease =
          kind == Kind.COMPLETE_FIRST && TaskRecords.mayComplete(stored)
              ? taken.instead(id, input)
              : null;
      if (lease != null) {
        d = new Decision(true, lease, true, lease); // it stands, not the input
      } else {
        d = BatchWriteProcessor.decide(kind, stored, input);
      }
      byte[] value = d.value();
      if (d.changed() && value != null) {
        if (chunk == null) {
          chunk = new FinishedChunk(mine.size());
        }
        chunk.put(id, value, expiresAtMillis);
        changed = true;
      }
      answers[i] = d.answer();
      anyAnswer |= d.answer() != null;
    }
    if (changed) {
      entry.setValue(chunk);
    }
    return anyAnswer ? ChunkWriteProcessor.pack(answers) : null;
  }

  /**
   * A read changes nothing, so its backups have nothing to do; a completion's backups write what
   * the primary wrote, taken leases included (they cannot look them up).
   */
  @Override
  public @Nullable EntryProcessor<String, FinishedChunk, byte[]> getBackupProcessor() {
    if (kind == Kind.READ) {
      return null;
    }
    if (!taken.substituted()) {
      return this;
    }
    Map<String, Writes> forBackups = new HashMap<>();
    for (Map.Entry<String, Writes> e : writes.entrySet()) {
      Writes w = e.getValue();
      Writes copy = new Writes(new ArrayList<>(w.size()), new ArrayList<>(w.size()));
      for (int i = 0; i < w.size(); i++) {
        String id = w.ids().get(i);
        byte[] instead = taken.substitutedFor(id);
        copy.add(id, instead != null ? instead : w.inputs().get(i));
      }
      forBackups.put(e.getKey(), copy);
    }
    return new FinishedChunkProcessor(kind, expiresAtMillis, forBackups);
  }

  /** A {@link Kind#COMPLETE_FIRST} batch reads the live records of its partition. */
  @Override
  public void readFrom(PartitionRecords partition) {
    if (kind == Kind.COMPLETE_FIRST) {
      lookInLive(partition.live());
    }
  }

  /** See {@link TakenLeases#lookIn}. */
  void lookInLive(LiveRecords live) {
    taken.lookIn(live);
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.FINISHED_CHUNK_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind.code);
    out.writeLong(expiresAtMillis);
    ChunkWriteProcessor.writeWrites(out, writes);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = Kind.of(in.readByte());
    expiresAtMillis = in.readLong();
    writes = ChunkWriteProcessor.readWrites(in);
  }
}

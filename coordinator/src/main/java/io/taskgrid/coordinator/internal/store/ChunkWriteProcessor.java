package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Decision;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The live-record writes of {@link BatchWriteProcessor} for tasks kept in {@link LiveChunk}s: per
 * chunk key, the writes of its tasks, each decided by {@link BatchWriteProcessor#decide} on that
 * task's record exactly as on a record of its own, in the order given. A chunk is one map entry, so
 * the tasks of a chunk cost one entry operation (and one backup of it) however many there are. The
 * answer per chunk is the per-task answers {@linkplain #pack packed}; a chunk left empty is
 * removed.
 *
 * <p>Only the live kinds apply here (the terminal ones write the results map, or in store format 4
 * the finished chunks, {@link FinishedChunkProcessor}).
 */
public final class ChunkWriteProcessor
    implements EntryProcessor<String, LiveChunk, byte[]>,
        IdentifiedDataSerializable,
        PartitionRecords.Reader {
  private static final long serialVersionUID = 1L;

  /** The writes to one chunk: task ids and their inputs, in order. */
  record Writes(List<String> ids, List<byte[]> inputs) {
    Writes() {
      this(new ArrayList<>(), new ArrayList<>());
    }

    void add(String id, byte[] input) {
      ids.add(id);
      inputs.add(input);
    }

    int size() {
      return ids.size();
    }
  }

  private Kind kind = Kind.READ;
  private Map<String, Writes> writes = new HashMap<>();
  private final CreateCheck created = new CreateCheck();

  /** For Hazelcast deserialization. */
  public ChunkWriteProcessor() {}

  ChunkWriteProcessor(Kind kind, Map<String, Writes> writes) {
    if (!isLive(kind)) {
      throw new IllegalArgumentException(kind + " is not a write of live records");
    }
    this.kind = kind;
    this.writes = writes;
  }

  /** Whether {@code kind} writes or reads live records only (so it may apply to a chunk). */
  static boolean isLive(Kind kind) {
    return switch (kind) {
      case PUT_IF_ABSENT, CREATE, UPDATE_LIVE, REMOVE_LIVE, READ, TAKE_LEASE -> true;
      case COMPLETE_FIRST, COMPLETE_LEASE -> false;
    };
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, LiveChunk> entry) {
    Writes mine = writes.get(entry.getKey());
    if (mine == null) {
      // Hazelcast only applies this to the keys it was sent with, which are the writes' keys.
      throw new IllegalStateException("no writes for chunk " + entry.getKey());
    }
    LiveChunk chunk = entry.getValue();
    boolean changed = false;
    byte[][] answers = new byte[mine.size()][];
    boolean anyAnswer = false;
    for (int i = 0; i < mine.size(); i++) {
      String id = mine.ids().get(i);
      if (kind == Kind.CREATE) {
        byte[] done = created.ended(id);
        if (done != null) {
          answers[i] = done;
          anyAnswer = true;
          continue;
        }
      }
      Decision d =
          BatchWriteProcessor.decide(
              kind, chunk == null ? null : chunk.get(id), mine.inputs().get(i));
      if (d.changed()) {
        if (chunk == null) {
          chunk = new LiveChunk(mine.size());
        }
        chunk.set(id, d.value());
        changed = true;
      }
      answers[i] = d.answer();
      anyAnswer |= d.answer() != null;
    }
    if (changed) {
      entry.setValue(chunk == null || chunk.isEmpty() ? null : chunk);
    }
    return anyAnswer ? pack(answers) : null;
  }

  /** A read changes nothing, so its backups have nothing to do. */
  @Override
  public @Nullable EntryProcessor<String, LiveChunk, byte[]> getBackupProcessor() {
    if (kind == Kind.READ) {
      return null;
    }
    if (kind == Kind.CREATE) {
      ChunkWriteProcessor backup = new ChunkWriteProcessor(kind, writes);
      backup.created.copyForBackup(created);
      return backup;
    }
    return this;
  }

  /** A {@link Kind#CREATE} batch reads the finished records of its partition. */
  @Override
  public void readFrom(PartitionRecords partition) {
    if (kind == Kind.CREATE) {
      lookIn(partition.ended());
    }
  }

  /** See {@link CreateCheck#lookIn}. */
  void lookIn(EndedRecords ended) {
    created.lookIn(ended);
  }

  /** Per-task answers as one array: a count, then per answer its length (-1: none) and bytes. */
  static byte[] pack(byte @Nullable [][] answers) {
    int size = 4;
    for (byte[] a : answers) {
      size += 4 + (a == null ? 0 : a.length);
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(answers.length);
    for (byte[] a : answers) {
      if (a == null) {
        out.putInt(-1);
      } else {
        out.putInt(a.length).put(a);
      }
    }
    return out.array();
  }

  /** The answers {@link #pack} packed, however many, without the null ones; none for null. */
  static List<byte[]> unpackPresent(byte @Nullable [] packed) {
    List<byte[]> out = new ArrayList<>();
    if (packed == null) {
      return out;
    }
    for (byte[] a : unpack(packed, ByteBuffer.wrap(packed).getInt())) {
      if (a != null) {
        out.add(a);
      }
    }
    return out;
  }

  /** The answers {@link #pack} packed; {@code n} answers of none for a null pack. */
  static byte @Nullable [][] unpack(byte @Nullable [] packed, int n) {
    byte[][] answers = new byte[n][];
    if (packed == null) {
      return answers;
    }
    ByteBuffer in = ByteBuffer.wrap(packed);
    int count = in.getInt();
    if (count != n) {
      throw new IllegalStateException("a chunk write answered " + count + " tasks, not " + n);
    }
    for (int i = 0; i < n; i++) {
      int length = in.getInt();
      if (length >= 0) {
        answers[i] = new byte[length];
        in.get(answers[i]);
      }
    }
    return answers;
  }

  /** The wire form of per-chunk writes (shared with {@link FinishedChunkProcessor}). */
  static void writeWrites(ObjectDataOutput out, Map<String, Writes> writes) throws IOException {
    out.writeInt(writes.size());
    for (Map.Entry<String, Writes> e : writes.entrySet()) {
      out.writeString(e.getKey());
      Writes w = e.getValue();
      out.writeInt(w.size());
      for (int i = 0; i < w.size(); i++) {
        out.writeString(w.ids().get(i));
        out.writeByteArray(w.inputs().get(i));
      }
    }
  }

  /** What {@link #writeWrites} wrote. */
  static Map<String, Writes> readWrites(ObjectDataInput in) throws IOException {
    int chunks = in.readInt();
    Map<String, Writes> writes = new HashMap<>(Math.max(16, chunks * 2));
    for (int c = 0; c < chunks; c++) {
      String key = in.readString();
      int n = in.readInt();
      Writes w = new Writes(new ArrayList<>(n), new ArrayList<>(n));
      for (int i = 0; i < n; i++) {
        String id = in.readString();
        byte[] input = in.readByteArray();
        w.add(id == null ? "" : id, input == null ? new byte[0] : input);
      }
      if (key != null) {
        writes.put(key, w);
      }
    }
    return writes;
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.CHUNK_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind.code);
    writeWrites(out, writes);
    if (kind == Kind.CREATE) { // the other kinds keep the wire form of store formats 1 and 2
      created.writeData(out);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = Kind.of(in.readByte());
    writes = readWrites(in);
    if (kind == Kind.CREATE) {
      created.readData(in);
    }
  }
}

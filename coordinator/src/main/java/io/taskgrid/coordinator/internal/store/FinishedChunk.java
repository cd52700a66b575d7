package io.taskgrid.coordinator.internal.store;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The finished (DONE) records of one chunk of consecutive task ids (see {@link ChunkIds}), in store
 * format 4 ({@link StoreFormat#FINISHED_BY_CHUNK}): task id to encoded {@code TaskInfo} and the
 * moment it expires (when it was stored, by the storing coordinator's clock, plus that
 * coordinator's result TTL), which the store's own retention ({@link FinishedRetention}) expires
 * and evicts by. Kept as an object (Hazelcast's OBJECT in-memory format), so a completion adds one
 * record in place instead of copying the chunk. It keeps its size, its estimated heap and its
 * soonest and latest expiry up to date, so the retention's sweep reads four numbers per chunk
 * rather than every record.
 *
 * <p>Confined to the partition thread of its key (Hazelcast runs every operation on an entry
 * there), so it needs no locking.
 */
public final class FinishedChunk implements IdentifiedDataSerializable {
  /**
   * Heap per record besides its bytes and its id's characters: the map node, the entry object, the
   * id string's header and the byte array's header (an estimate, as Hazelcast's own entry cost is).
   */
  static final int OVERHEAD_PER_RECORD = 112;

  /** One finished record and when it expires (the storing coordinator's clock and TTL). */
  record Finished(byte[] record, long expiresAtMillis) {}

  private Map<String, Finished> records;
  private long bytes;
  private long soonest = Long.MAX_VALUE;
  private long latest = Long.MIN_VALUE;

  /** For Hazelcast deserialization. */
  public FinishedChunk() {
    this.records = new HashMap<>();
  }

  FinishedChunk(int expected) {
    this.records = new HashMap<>(Math.max(16, expected * 2));
  }

  byte @Nullable [] get(String taskId) {
    Finished f = records.get(taskId);
    return f == null ? null : f.record();
  }

  /** Stores a task's finished record (replacing none: the first terminal record wins). */
  void put(String taskId, byte[] record, long expiresAtMillis) {
    Finished previous = records.put(taskId, new Finished(record, expiresAtMillis));
    if (previous != null) {
      bytes -= cost(taskId, previous.record());
    }
    bytes += cost(taskId, record);
    soonest = Math.min(soonest, expiresAtMillis);
    latest = Math.max(latest, expiresAtMillis);
  }

  /**
   * Removes the records that expire at or before {@code millis}; returns how many went. A record
   * stored later expires later and stays, so a sweep that read this chunk before a completion added
   * to it never removes that completion.
   */
  int dropExpiringAtOrBefore(long millis) {
    if (soonest > millis) {
      return 0;
    }
    int dropped = 0;
    bytes = 0;
    soonest = Long.MAX_VALUE;
    latest = Long.MIN_VALUE;
    for (Iterator<Map.Entry<String, Finished>> it = records.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Finished> e = it.next();
      Finished f = e.getValue();
      if (f.expiresAtMillis() <= millis) {
        it.remove();
        dropped++;
      } else {
        bytes += cost(e.getKey(), f.record());
        soonest = Math.min(soonest, f.expiresAtMillis());
        latest = Math.max(latest, f.expiresAtMillis());
      }
    }
    return dropped;
  }

  int size() {
    return records.size();
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  /** The estimated heap of its records ({@link #OVERHEAD_PER_RECORD} each besides their bytes). */
  long bytes() {
    return bytes;
  }

  /** When its first record to expire expires; {@link Long#MAX_VALUE} when empty. */
  long soonest() {
    return soonest;
  }

  /** When its last record to expire expires; {@link Long#MIN_VALUE} when empty. */
  long latest() {
    return latest;
  }

  /** Every record, for the job scan. */
  Iterable<Map.Entry<String, Finished>> entries() {
    return records.entrySet();
  }

  static long cost(String taskId, byte[] record) {
    return record.length + 2L * taskId.length() + OVERHEAD_PER_RECORD;
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.FINISHED_CHUNK;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(records.size());
    for (Map.Entry<String, Finished> e : records.entrySet()) {
      out.writeString(e.getKey());
      out.writeByteArray(e.getValue().record());
      out.writeLong(e.getValue().expiresAtMillis());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    records = new HashMap<>(Math.max(16, n * 2));
    bytes = 0;
    soonest = Long.MAX_VALUE;
    latest = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      String id = in.readString();
      byte[] record = in.readByteArray();
      long expiresAt = in.readLong();
      if (id != null && record != null) {
        put(id, record, expiresAt);
      }
    }
  }
}

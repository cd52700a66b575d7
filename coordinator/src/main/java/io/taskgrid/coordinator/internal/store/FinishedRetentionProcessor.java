package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The two steps of {@link FinishedRetention}'s sweep on {@link FinishedChunk}s: {@link #sizes}
 * reads each chunk's size, heap and soonest and latest expiry (writes nothing, so it sends no
 * backup); {@link #trim} removes, per chunk, the records that expire at or before a given moment
 * (the expired ones, or all that the sweep saw of a chunk it evicts), and the chunk when it is left
 * empty. Trimming by moment rather than by count keeps a completion that reached a chunk after the
 * sweep read it; the backups trim alike (same moments), so they stay the primary's copy.
 */
public final class FinishedRetentionProcessor
    implements EntryProcessor<String, FinishedChunk, byte[]>, IdentifiedDataSerializable {
  private static final long serialVersionUID = 1L;

  /** Per chunk key: drop the records that expire at or before this moment. Empty: read sizes. */
  private Map<String, Long> dropAtOrBefore = new HashMap<>();

  /** For Hazelcast deserialization. */
  public FinishedRetentionProcessor() {}

  private FinishedRetentionProcessor(Map<String, Long> dropAtOrBefore) {
    this.dropAtOrBefore = dropAtOrBefore;
  }

  /** Reads each chunk's {@link Size}; answers it {@linkplain #size packed}. */
  static FinishedRetentionProcessor sizes() {
    return new FinishedRetentionProcessor(Map.of());
  }

  /** Drops, in each chunk named, the records that expire at or before its moment. */
  static FinishedRetentionProcessor trim(Map<String, Long> dropAtOrBefore) {
    if (dropAtOrBefore.isEmpty()) {
      throw new IllegalArgumentException("nothing to trim");
    }
    return new FinishedRetentionProcessor(new HashMap<>(dropAtOrBefore));
  }

  /** What a sweep knows of one chunk. */
  record Size(int records, long bytes, long soonest, long latest) {}

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, FinishedChunk> entry) {
    FinishedChunk chunk = entry.getValue();
    if (chunk == null) {
      return null;
    }
    if (dropAtOrBefore.isEmpty()) {
      return ByteBuffer.allocate(28)
          .putInt(chunk.size())
          .putLong(chunk.bytes())
          .putLong(chunk.soonest())
          .putLong(chunk.latest())
          .array();
    }
    Long moment = dropAtOrBefore.get(entry.getKey());
    if (moment != null && chunk.dropExpiringAtOrBefore(moment) > 0) {
      entry.setValue(chunk.isEmpty() ? null : chunk);
    }
    return null;
  }

  /** The size {@link #sizes} answered. */
  static Size size(byte[] packed) {
    ByteBuffer in = ByteBuffer.wrap(packed);
    return new Size(in.getInt(), in.getLong(), in.getLong(), in.getLong());
  }

  @Override
  public @Nullable EntryProcessor<String, FinishedChunk, byte[]> getBackupProcessor() {
    return dropAtOrBefore.isEmpty() ? null : this;
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.FINISHED_RETENTION_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(dropAtOrBefore.size());
    for (Map.Entry<String, Long> e : dropAtOrBefore.entrySet()) {
      out.writeString(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    dropAtOrBefore = new HashMap<>(Math.max(16, n * 2));
    for (int i = 0; i < n; i++) {
      String key = in.readString();
      long moment = in.readLong();
      if (key != null) {
        dropAtOrBefore.put(key, moment);
      }
    }
  }
}

package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.taskgrid.proto.v1.TaskResult;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One kind of conditional write for many keys: carries the input of every key of one batch (a
 * record, or a worker's report) and, for the entry it is applied to, runs the single-key processor
 * of that kind ({@link PutIfAbsentProcessor}, {@link UpdateLiveProcessor}, {@link
 * CompleteFirstProcessor}, {@link CompleteLeaseProcessor}), so a batched write decides exactly as
 * one write per key would. Each key is still checked and written atomically on its partition
 * thread. The result per key is the single-key processor's (null for {@link Kind#UPDATE_LIVE}: its
 * caller needs none; null for a {@link Kind#COMPLETE_FIRST} that wrote its record: the caller has
 * it; a null result is not sent back).
 */
public final class BatchWriteProcessor
    implements EntryProcessor<String, byte[], byte[]>, IdentifiedDataSerializable {
  private static final long serialVersionUID = 1L;

  /** Which single-key write to apply; {@code code} is its wire form, fixed across versions. */
  enum Kind {
    PUT_IF_ABSENT(1),
    UPDATE_LIVE(2),
    COMPLETE_FIRST(3),
    COMPLETE_LEASE(4),
    /** Removes a live record whose terminal record stands in the results map. */
    REMOVE_LIVE(5),
    /** Reads the stored record; writes nothing (and so sends no backup). */
    READ(6),
    /**
     * Removes a live record that shows the reported lease and returns the DONE record the report
     * makes of it (for the results map); null when the report is stale.
     */
    TAKE_LEASE(7);

    final byte code;

    Kind(int code) {
      this.code = (byte) code;
    }

    static Kind of(byte code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown batch write kind " + code);
    }
  }

  private Kind kind = Kind.PUT_IF_ABSENT;
  private long ttlMillis;
  private Map<String, byte[]> inputs = new HashMap<>();

  /** For Hazelcast deserialization. */
  public BatchWriteProcessor() {}

  /**
   * {@code inputs}: per task id, the record to write (or, for {@link Kind#COMPLETE_LEASE}, the
   * encoded {@link TaskResult}); {@code ttlMillis}: of terminal records.
   */
  BatchWriteProcessor(Kind kind, long ttlMillis, Map<String, byte[]> inputs) {
    this.kind = kind;
    this.ttlMillis = ttlMillis;
    this.inputs = inputs;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, byte[]> entry) {
    byte[] input = inputs.get(entry.getKey());
    if (input == null) {
      // Hazelcast only applies this to the keys it was sent with, which are the inputs' keys.
      throw new IllegalStateException("no input for key " + entry.getKey());
    }
    return switch (kind) {
      case PUT_IF_ABSENT -> new PutIfAbsentProcessor(input).process(entry);
      case UPDATE_LIVE -> {
        new UpdateLiveProcessor(input).process(entry);
        yield null;
      }
      case COMPLETE_FIRST -> new CompleteFirstProcessor(input, ttlMillis).process(entry);
      case COMPLETE_LEASE -> new CompleteLeaseProcessor(input, ttlMillis).process(entry);
      case REMOVE_LIVE -> {
        if (entry.getValue() != null) {
          entry.setValue(null);
        }
        yield null;
      }
      case READ -> entry.getValue();
      case TAKE_LEASE -> {
        byte[] done = TaskRecords.completeLease(entry.getValue(), TaskRecords.decodeResult(input));
        if (done != null) {
          entry.setValue(null);
        }
        yield done;
      }
    };
  }

  /** A read changes nothing, so its backups have nothing to do. */
  @Override
  public @Nullable EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
    return kind == Kind.READ ? null : this;
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.BATCH_PROCESSOR;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind.code);
    out.writeLong(ttlMillis);
    out.writeInt(inputs.size());
    for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
      out.writeString(e.getKey());
      out.writeByteArray(e.getValue());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = Kind.of(in.readByte());
    ttlMillis = in.readLong();
    int n = in.readInt();
    inputs = new HashMap<>(Math.max(16, n * 2));
    for (int i = 0; i < n; i++) {
      String key = in.readString();
      byte[] value = in.readByteArray();
      if (key != null) {
        inputs.put(key, value == null ? new byte[0] : value);
      }
    }
  }
}

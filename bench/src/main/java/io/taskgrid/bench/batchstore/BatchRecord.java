package io.taskgrid.bench.batchstore;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The prototype of one stored record per submitted batch (docs/STORE-BATCHES.md), as bytes: the
 * layout a store entry would hold, so that its cost can be measured against today's record per task
 * (StoreBench) before the store is rewritten. Not used by the coordinator.
 *
 * <p>Layout: {@code n} (int), one state byte per task ({@link #QUEUED} or {@link #DONE}), the specs
 * (per task: int length, bytes), then the outcomes in the order they were stored (per outcome: int
 * index, int length, bytes). An outcome is only ever appended, for a task whose state byte still
 * says QUEUED, in the same step that flips the byte: the first outcome wins, and a reader that sees
 * DONE finds the outcome in the same record.
 */
public final class BatchRecord {
  public static final byte QUEUED = 0;
  public static final byte DONE = 1;

  private BatchRecord() {}

  /** A new batch: every task QUEUED, no outcome. */
  public static byte[] create(List<byte[]> specs) {
    int size = 4 + specs.size();
    for (byte[] spec : specs) {
      size += 4 + spec.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(specs.size());
    out.position(4 + specs.size()); // state bytes are 0 (QUEUED)
    for (byte[] spec : specs) {
      out.putInt(spec.length).put(spec);
    }
    return out.array();
  }

  /** How many tasks the batch holds. */
  public static int size(byte[] record) {
    return ByteBuffer.wrap(record).getInt(0);
  }

  public static byte state(byte[] record, int index) {
    return record[4 + checkIndex(record, index)];
  }

  /**
   * The record with {@code outcomes[i]} stored for task {@code indices[i]} wherever that task is
   * still QUEUED; {@code won[i]} says whether it was. The same call on the same record always gives
   * the same answer (a repeated run, as on a backup, changes nothing more).
   */
  public static byte[] complete(byte[] record, int[] indices, byte[][] outcomes, boolean[] won) {
    if (indices.length != outcomes.length || indices.length != won.length) {
      throw new IllegalArgumentException("indices, outcomes and won differ in length");
    }
    int added = 0;
    boolean[] taken = new boolean[size(record)];
    for (int i = 0; i < indices.length; i++) {
      int index = checkIndex(record, indices[i]);
      won[i] = record[4 + index] == QUEUED && !taken[index];
      if (won[i]) {
        taken[index] = true;
        added += 8 + outcomes[i].length;
      }
    }
    if (added == 0) {
      return record;
    }
    byte[] copy = Arrays.copyOf(record, record.length + added);
    ByteBuffer tail = ByteBuffer.wrap(copy);
    tail.position(record.length);
    for (int i = 0; i < indices.length; i++) {
      if (won[i]) {
        copy[4 + indices[i]] = DONE;
        tail.putInt(indices[i]).putInt(outcomes[i].length).put(outcomes[i]);
      }
    }
    return copy;
  }

  /** The spec of task {@code index}. */
  public static byte[] spec(byte[] record, int index) {
    int at = specAt(record, checkIndex(record, index));
    int length = ByteBuffer.wrap(record).getInt(at);
    return Arrays.copyOfRange(record, at + 4, at + 4 + length);
  }

  /** The stored outcome of task {@code index}, or null while it is QUEUED. */
  public static byte @Nullable [] outcome(byte[] record, int index) {
    if (state(record, index) != DONE) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(record);
    int at = specAt(record, size(record)); // the outcomes follow the last spec
    while (at < record.length) {
      int stored = in.getInt(at);
      int length = in.getInt(at + 4);
      if (stored == index) {
        return Arrays.copyOfRange(record, at + 8, at + 8 + length);
      }
      at += 8 + length;
    }
    throw new IllegalStateException("task " + index + " is DONE but has no outcome");
  }

  /** Where the spec of task {@code index} starts (for the batch's size: where the outcomes do). */
  private static int specAt(byte[] record, int index) {
    ByteBuffer in = ByteBuffer.wrap(record);
    int at = 4 + size(record);
    for (int i = 0; i < index; i++) {
      at += 4 + in.getInt(at);
    }
    return at;
  }

  private static int checkIndex(byte[] record, int index) {
    int n = size(record);
    if (index < 0 || index >= n) {
      throw new IndexOutOfBoundsException("task " + index + " of a batch of " + n);
    }
    return index;
  }
}

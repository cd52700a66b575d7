package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.taskgrid.proto.v1.TaskResult;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The store's conditional writes: carries one {@link Kind} of write and the input of every key of
 * one batch (a record, or a worker's report) and applies the kind's decision to the entry it runs
 * on. Each key is checked and written atomically on its partition thread, so a batched write
 * decides exactly as one write per key would; the decisions on the record's bytes are {@link
 * TaskRecords}' pure functions. The result per key is the kind's (see each {@link Kind}); a null
 * result is not sent back.
 *
 * <p>The two scans of every entry (the orphan claim of adoption, a job's records) are not kinds but
 * {@link ScanProcessor}: they are rare, and run through the public {@code IMap.executeOnEntries}
 * with one input for all entries rather than one per key. As kinds they would need a partition-wide
 * operation of our own, that is more Hazelcast internals, for no fewer invocations.
 */
public final class BatchWriteProcessor
    implements EntryProcessor<String, byte[], byte[]>,
        IdentifiedDataSerializable,
        PartitionRecords.Reader {
  private static final long serialVersionUID = 1L;

  /** Which write to apply; {@code code} is its wire form, fixed across versions. */
  enum Kind {
    /**
     * Stores the record unless one exists and returns the existing one (null when it stored), so
     * concurrent submissions of one id cannot both win.
     */
    PUT_IF_ABSENT(1),
    /**
     * Writes a live record unless the stored one is absent, DONE or of a later attempt (see {@link
     * TaskRecords#mayUpdate}); returns null (its caller needs no answer).
     */
    UPDATE_LIVE(2),
    /**
     * Writes a terminal record (with the result TTL) unless the stored one is DONE already. Returns
     * null when the new record won (the caller has it: no copy travels back) and the earlier DONE
     * record when that one stands, so of two terminal writes that race (a coordinator's own outcome
     * and a worker report forwarded by another coordinator) exactly one is recorded. A lease a
     * worker's report took ({@link #TAKE_LEASE}) counts as the earlier DONE record: its record,
     * found in the live map of the same partition, is written instead and answered ({@link
     * TakenLeases}).
     */
    COMPLETE_FIRST(3),
    /**
     * The input is an encoded {@link TaskResult}: the record becomes DONE (with the result TTL)
     * only if it still shows the very lease the report is for (RUNNING, same attempt, same worker)
     * and the new record is returned; otherwise nothing changes and the result is null. The store
     * now ends such reports with {@link #TAKE_LEASE} then {@link #COMPLETE_FIRST} (live and
     * finished records are in two maps); the kind stays for its wire code.
     */
    COMPLETE_LEASE(4),
    /** Removes a live record whose terminal record stands in the results map. */
    REMOVE_LIVE(5),
    /** Reads the stored record; writes nothing (and so sends no backup). */
    READ(6),
    /**
     * Removes a live record that shows the reported lease and returns the DONE record the report
     * makes of it (for the results map); null when the report is stale.
     */
    TAKE_LEASE(7),
    /**
     * As {@link #PUT_IF_ABSENT}, unless the task has ended: when its DONE record stands in the
     * results map, that record is returned and nothing is written. The finished record is looked up
     * in the same operation, on the same partition thread ({@link EndedRecords}), so a task that
     * ends concurrently is either found ended or finds the live record: submitting an id again
     * never runs its task again. Store format 3 only (a task's live and finished records share a
     * partition there); the backups skip the tasks the primary found ended.
     */
    CREATE(8);

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
  private final CreateCheck created = new CreateCheck();
  private final TakenLeases taken = new TakenLeases();

  /** For Hazelcast deserialization. */
  public BatchWriteProcessor() {}

  /**
   * {@code inputs}: per task id, the record to write (for {@link Kind#COMPLETE_LEASE} and {@link
   * Kind#TAKE_LEASE} the encoded {@link TaskResult}; ignored by {@link Kind#READ} and {@link
   * Kind#REMOVE_LIVE}); {@code ttlMillis}: of terminal records.
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
    if (kind == Kind.CREATE) {
      byte[] done = created.ended(entry.getKey());
      if (done != null) {
        return done;
      }
    }
    if (kind == Kind.COMPLETE_FIRST && TaskRecords.mayComplete(entry.getValue())) {
      byte[] lease = taken.instead(entry.getKey(), input);
      if (lease != null) {
        setTerminal(entry, lease);
        return lease; // it stands, not the input
      }
    }
    Decision d = decide(kind, entry.getValue(), input);
    if (d.changed()) {
      if (d.terminal()) {
        setTerminal(entry, d.value());
      } else {
        entry.setValue(d.value());
      }
    }
    return d.answer();
  }

  /**
   * What one write of {@code kind} makes of one record: {@code value} is what the record becomes
   * when {@code changed} (null: removed), {@code terminal} whether it then expires after the result
   * TTL, {@code answer} what the caller is told (null: nothing).
   */
  record Decision(
      boolean changed, byte @Nullable [] value, boolean terminal, byte @Nullable [] answer) {
    static Decision unchanged(byte @Nullable [] answer) {
      return new Decision(false, null, false, answer);
    }
  }

  /**
   * The decision of every kind on one stored record (null: none), as a pure function, so that a
   * record of its own and a task's record in a {@link LiveChunk} are decided on alike.
   */
  static Decision decide(Kind kind, byte @Nullable [] stored, byte[] input) {
    return switch (kind) {
      case PUT_IF_ABSENT, CREATE ->
          stored == null ? new Decision(true, input, false, null) : Decision.unchanged(stored);
      case UPDATE_LIVE ->
          TaskRecords.mayUpdate(stored, RecordHeader.of(input).attempt())
              ? new Decision(true, input, false, null)
              : Decision.unchanged(null);
      case COMPLETE_FIRST ->
          TaskRecords.mayComplete(stored)
              ? new Decision(true, input, true, null)
              : Decision.unchanged(stored);
      case COMPLETE_LEASE -> {
        byte[] done = TaskRecords.completeLease(stored, TaskRecords.decodeResult(input));
        yield done != null ? new Decision(true, done, true, done) : Decision.unchanged(null);
      }
      case REMOVE_LIVE ->
          stored != null ? new Decision(true, null, false, null) : Decision.unchanged(null);
      case READ -> Decision.unchanged(stored);
      case TAKE_LEASE -> {
        // The DONE record takes the live one's place (completeLeases removes it once the results
        // map holds it), so that a repeated run gives the same answer: Hazelcast runs an operation
        // again when its answer was lost with a member that left or a partition that moved, after
        // its effect reached the backup. An emptied entry answered "not this lease" then, and the
        // record, in neither map, was lost.
        TaskResult report = TaskRecords.decodeResult(input);
        byte[] done = TaskRecords.completeLease(stored, report);
        if (done != null) {
          yield new Decision(true, done, false, done);
        }
        yield Decision.unchanged(
            TaskRecords.isTakenLease(stored, report.getAttempt(), report.getWorkerId())
                ? stored
                : null);
      }
    };
  }

  /** A terminal record expires after the result TTL (Hazelcast's entries are extended ones). */
  private void setTerminal(Map.Entry<String, byte[]> entry, byte @Nullable [] record) {
    ((ExtendedMapEntry<String, byte[]>) entry).setValue(record, ttlMillis, TimeUnit.MILLISECONDS);
  }

  /** A read changes nothing, so its backups have nothing to do. */
  @Override
  public @Nullable EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
    if (kind == Kind.READ) {
      return null;
    }
    if (kind == Kind.CREATE) {
      BatchWriteProcessor backup = new BatchWriteProcessor(kind, ttlMillis, inputs);
      backup.created.copyForBackup(created);
      return backup;
    }
    if (kind == Kind.COMPLETE_FIRST && taken.substituted()) {
      return new BatchWriteProcessor(kind, ttlMillis, taken.forBackups(inputs));
    }
    return this;
  }

  /**
   * A {@link Kind#CREATE} batch reads the finished records of its partition, a {@link
   * Kind#COMPLETE_FIRST} batch the live ones.
   */
  @Override
  public void readFrom(PartitionRecords partition) {
    if (kind == Kind.CREATE) {
      lookIn(partition.ended());
    } else if (kind == Kind.COMPLETE_FIRST) {
      lookInLive(partition.live());
    }
  }

  /** See {@link CreateCheck#lookIn}. */
  void lookIn(EndedRecords ended) {
    created.lookIn(ended);
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
    if (kind == Kind.CREATE) { // the other kinds keep the wire form of store formats 1 and 2
      created.writeData(out);
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
    if (kind == Kind.CREATE) {
      created.readData(in);
    }
  }
}

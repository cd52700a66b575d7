package io.taskgrid.coordinator.internal.store;

import io.taskgrid.proto.v1.TaskState;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link BatchWriteProcessor.Kind#COMPLETE_FIRST} batch needs besides its writes: on the
 * primary, the live records of its partition ({@link #lookIn}, set by {@link
 * PartitionBatchOperation} each time it runs the batch), and the DONE records it wrote in place of
 * its inputs.
 *
 * <p>Why. A worker's report forwarded to another coordinator ends a task in two writes ({@code
 * HazelcastTaskStore.completeLeases}): {@link BatchWriteProcessor.Kind#TAKE_LEASE} turns the live
 * record into the DONE one the report makes, then {@code COMPLETE_FIRST} copies it to the results
 * map. Between the two, reads answer that DONE record, so a client may be told it; a terminal write
 * of another attempt (its owner re-ran the task after its worker's reconcile answer, or ended it
 * otherwise) that reached the results map first stood instead, and the client had been told an
 * outcome that was not stored (the cause we found for two failures of MultiHostNetnsIT). The taken
 * lease ended the task first, so here it wins: the primary writes it instead of the input and
 * answers it as the record that stands.
 *
 * <p>The backups run in Hazelcast's own backup operation, which cannot look anything up: they are
 * sent the inputs with the primary's substitutions, so they write what the primary wrote (and the
 * wire form of the batch is unchanged). Without a look-up (a backup; a member of an earlier
 * release; {@link StoreFormat#PER_TASK}, where a chunked task's finished record is not in its live
 * record's partition) the batch writes its inputs, as before. Confined to the partition thread that
 * runs the operation.
 */
final class TakenLeases {
  private @Nullable LiveRecords live;
  private final Map<String, byte[]> written = new HashMap<>();

  /** The primary's lookup for this run (a run again after a lost answer starts afresh). */
  void lookIn(LiveRecords live) {
    this.live = live;
    written.clear();
  }

  /**
   * The DONE record that a taken lease left as {@code taskId}'s live record, when it is not {@code
   * input} itself (the forwarded write of that very record): to be written instead of {@code
   * input}. Null: write {@code input}.
   */
  byte @Nullable [] instead(String taskId, byte[] input) {
    LiveRecords lookup = live;
    if (lookup == null) {
      return null;
    }
    byte[] record = lookup.of(taskId);
    if (record == null
        || RecordHeader.of(record).state() != TaskState.DONE
        || Arrays.equals(record, input)) {
      return null;
    }
    written.put(taskId, record);
    return record;
  }

  /** Whether the primary wrote a taken lease's record in place of an input. */
  boolean substituted() {
    return !written.isEmpty();
  }

  /** What the primary wrote in place of {@code taskId}'s input, or null: the input. */
  byte @Nullable [] substitutedFor(String taskId) {
    return written.get(taskId);
  }

  /** {@code inputs} with the primary's substitutions: what the backups must write. */
  Map<String, byte[]> forBackups(Map<String, byte[]> inputs) {
    Map<String, byte[]> copy = new HashMap<>(inputs);
    copy.putAll(written);
    return copy;
  }
}

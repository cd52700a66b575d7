package io.taskgrid.coordinator.internal.store;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link BatchWriteProcessor.Kind#CREATE} batch needs besides its writes. On the primary:
 * the finished records of its partition ({@link #lookIn}, set by {@link PartitionBatchOperation}
 * each time it runs the batch) and the tasks it found ended. On a backup: those tasks, which the
 * backup must not create either (it has no lookup: Hazelcast's own backup operation runs it).
 * Confined to the partition thread that runs the operation.
 */
final class CreateCheck {
  /** What a backup answers for a task the primary found ended (backups' answers go nowhere). */
  private static final byte[] SKIPPED = new byte[0];

  private @Nullable EndedRecords ended;
  private boolean backup;
  private final Set<String> skipped = new HashSet<>();

  /** The primary's lookup for this run (a run again after a lost answer starts afresh). */
  void lookIn(EndedRecords ended) {
    this.ended = ended;
    skipped.clear();
  }

  /**
   * The DONE record of {@code taskId} when it ended (the primary; noted for the backups), a marker
   * when the primary found it ended (a backup), or null: create its live record.
   */
  byte @Nullable [] ended(String taskId) {
    if (backup) {
      return skipped.contains(taskId) ? SKIPPED : null;
    }
    EndedRecords lookup = ended;
    if (lookup == null) {
      throw new IllegalStateException(
          "a CREATE batch ran without the finished records of its partition (only a"
              + " PartitionBatchOperation can run it)");
    }
    byte[] done = lookup.of(taskId);
    if (done != null) {
      skipped.add(taskId);
    }
    return done;
  }

  /** Makes this the backups' check of what {@code primary} found. */
  void copyForBackup(CreateCheck primary) {
    backup = true;
    skipped.addAll(primary.skipped);
  }

  void writeData(ObjectDataOutput out) throws IOException {
    out.writeBoolean(backup);
    out.writeInt(skipped.size());
    for (String id : skipped) {
      out.writeString(id);
    }
  }

  void readData(ObjectDataInput in) throws IOException {
    backup = in.readBoolean();
    int n = in.readInt();
    skipped.clear();
    for (int i = 0; i < n; i++) {
      String id = in.readString();
      if (id != null) {
        skipped.add(id);
      }
    }
  }
}

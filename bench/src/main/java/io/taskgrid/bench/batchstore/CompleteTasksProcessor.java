package io.taskgrid.bench.batchstore;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Stores outcomes into a batch record ({@link BatchRecord#complete}), first outcome wins, and
 * answers one byte per outcome: 1 if it was stored, 0 if the task had one already (or the batch is
 * unknown). The backup runs the same processor on the same record (Hazelcast's default backup
 * processor), so only the outcomes travel to the backup, not the whole record.
 */
public final class CompleteTasksProcessor
    implements EntryProcessor<String, byte[], byte[]>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private int[] indices = new int[0];
  private byte[][] outcomes = new byte[0][];

  /** For Hazelcast deserialization. */
  public CompleteTasksProcessor() {}

  public CompleteTasksProcessor(int[] indices, byte[][] outcomes) {
    this.indices = indices.clone();
    this.outcomes = outcomes.clone();
  }

  @Override
  public byte[] process(Map.Entry<String, byte[]> entry) {
    byte[] answer = new byte[indices.length];
    byte @Nullable [] record = entry.getValue();
    if (record == null) {
      return answer;
    }
    boolean[] won = new boolean[indices.length];
    byte[] updated = BatchRecord.complete(record, indices, outcomes, won);
    if (updated != record) {
      entry.setValue(updated);
    }
    for (int i = 0; i < won.length; i++) {
      answer[i] = (byte) (won[i] ? 1 : 0);
    }
    return answer;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(indices.length);
    for (int i = 0; i < indices.length; i++) {
      out.writeInt(indices[i]);
      out.writeByteArray(outcomes[i]);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    indices = new int[n];
    outcomes = new byte[n][];
    for (int i = 0; i < n; i++) {
      indices[i] = in.readInt();
      byte[] outcome = in.readByteArray();
      outcomes[i] = outcome == null ? new byte[0] : outcome;
    }
  }
}

package io.taskgrid.bench.batchstore;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A per-task lookup in a batch record (GetTask, a resubmit's check), run on the partition thread so
 * that only the one task's outcome, or its spec while it is QUEUED, crosses the network, not the
 * whole batch: the answer is a state byte followed by those bytes, or null if there is no such
 * batch.
 */
public final class ReadTaskProcessor
    implements EntryProcessor<String, byte[], byte[]>, ReadOnly, DataSerializable {
  private static final long serialVersionUID = 1L;

  private int index;

  /** For Hazelcast deserialization. */
  public ReadTaskProcessor() {}

  public ReadTaskProcessor(int index) {
    this.index = index;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, byte[]> entry) {
    byte @Nullable [] record = entry.getValue();
    if (record == null) {
      return null;
    }
    byte state = BatchRecord.state(record, index);
    byte[] outcome = BatchRecord.outcome(record, index);
    byte[] body = outcome != null ? outcome : BatchRecord.spec(record, index);
    byte[] answer = new byte[1 + body.length];
    answer[0] = state;
    System.arraycopy(body, 0, answer, 1, body.length);
    return answer;
  }

  @Override
  public @Nullable EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
    return null;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(index);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    index = in.readInt();
  }
}

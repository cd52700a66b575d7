package io.taskgrid.coordinator.internal.store;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Returns the record if it belongs to the job, else null: a read-only scan (no write, no backup) so
 * that any coordinator can answer for a job another one accepted.
 */
public final class JobRecordsProcessor
    implements EntryProcessor<String, byte[], byte[]>, ReadOnly, DataSerializable {
  private static final long serialVersionUID = 1L;

  private String jobId = "";

  /** For Hazelcast deserialization. */
  public JobRecordsProcessor() {}

  JobRecordsProcessor(String jobId) {
    this.jobId = jobId;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public byte @Nullable [] process(Map.Entry<String, byte[]> entry) {
    byte[] bytes = entry.getValue();
    return bytes != null && TaskRecords.decode(bytes).getSpec().getJobId().equals(jobId)
        ? bytes
        : null;
  }

  @Override
  public @Nullable EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
    return null;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(jobId);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    String id = in.readString();
    jobId = id == null ? "" : id;
  }
}

package io.taskgrid.coordinator.internal.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What encoding a noop task's store records costs, and what encoding its spec once would save: the
 * ninth pass's profile put {@code TaskRecords.encode} at 10.4 % of the coordinator's samples, and
 * "specs encoded once" was one of the structural steps it named. The records are built as the
 * scheduler builds them (a fresh {@code TaskInfo} around the spec the client sent, parsed from the
 * wire, so its strings are {@code String}s that are UTF-8 encoded again on each record). The {@code
 * *SpecEncodedOnce} forms build the same bytes from a spec encoded beforehand (checked at set-up:
 * they parse to the same record).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecordEncodeBench {
  /** Ids as long as the SDK's (client, job sequence, task): 83 characters. */
  private static final String ID =
      "0123456789abcdef0123456789abcdef-job-000001-0123456789abcdef0123456789abcdef-000042";

  private static final String OWNER = "3f2a5b1c-1234-5678-9abc-def012345678";
  private static final String WORKER = "bench-host-12345-a1b2c3";

  private TaskSpec spec;
  private ByteString specBytes;
  private TaskResult result;

  @Setup
  public void setUp() throws InvalidProtocolBufferException {
    TaskSpec sent =
        TaskSpec.newBuilder()
            .setId(ID)
            .setJobId(ID.substring(0, 43))
            .setType("noop")
            .setPool(Pool.IO)
            .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("x")))
            .build();
    spec = TaskSpec.parseFrom(sent.toByteArray());
    specBytes = spec.toByteString();
    result =
        TaskResult.newBuilder()
            .setTaskId(ID)
            .setJobId(spec.getJobId())
            .setOutcome(Outcome.SUCCEEDED)
            .setOutput(Payload.newBuilder().setData(ByteString.copyFromUtf8("x")))
            .setAttempt(1)
            .setWorkerId(WORKER)
            .setSubmittedUnixMs(1_700_000_000_000L)
            .setStartedUnixMs(1_700_000_000_001L)
            .setFinishedUnixMs(1_700_000_000_002L)
            .build();
    check(createRecord(), createRecordSpecEncodedOnce());
    check(doneRecord(), doneRecordSpecEncodedOnce());
  }

  private static void check(byte[] plain, byte[] once) throws InvalidProtocolBufferException {
    if (!TaskInfo.parseFrom(plain).equals(TaskInfo.parseFrom(once))) {
      throw new IllegalStateException("the two encodings differ");
    }
  }

  /** The QUEUED record a submission writes. */
  @Benchmark
  public byte[] createRecord() {
    return TaskRecords.encode(
        TaskInfo.newBuilder()
            .setSpec(spec)
            .setState(TaskState.QUEUED)
            .setSubmittedUnixMs(1_700_000_000_000L)
            .setOwner(OWNER)
            .build());
  }

  @Benchmark
  public byte[] createRecordSpecEncodedOnce() {
    return withSpec(
        TaskInfo.newBuilder()
            .setState(TaskState.QUEUED)
            .setSubmittedUnixMs(1_700_000_000_000L)
            .setOwner(OWNER)
            .build());
  }

  /** The DONE record a result writes. */
  @Benchmark
  public byte[] doneRecord() {
    return TaskRecords.encode(
        TaskInfo.newBuilder()
            .setSpec(spec)
            .setState(TaskState.DONE)
            .setAttempt(1)
            .setWorkerId(WORKER)
            .setSubmittedUnixMs(1_700_000_000_000L)
            .setOwner(OWNER)
            .setResult(result)
            .build());
  }

  @Benchmark
  public byte[] doneRecordSpecEncodedOnce() {
    return withSpec(
        TaskInfo.newBuilder()
            .setState(TaskState.DONE)
            .setAttempt(1)
            .setWorkerId(WORKER)
            .setSubmittedUnixMs(1_700_000_000_000L)
            .setOwner(OWNER)
            .setResult(result)
            .build());
  }

  /** {@code rest}'s bytes with the spec (field 1) copied in from {@link #specBytes}. */
  private byte[] withSpec(TaskInfo rest) {
    byte[] out =
        new byte
            [CodedOutputStream.computeBytesSize(TaskInfo.SPEC_FIELD_NUMBER, specBytes)
                + rest.getSerializedSize()];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      o.writeBytes(TaskInfo.SPEC_FIELD_NUMBER, specBytes);
      rest.writeTo(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}

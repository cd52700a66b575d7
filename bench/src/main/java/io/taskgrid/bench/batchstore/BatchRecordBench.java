package io.taskgrid.bench.batchstore;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.taskgrid.coordinator.internal.store.StoreBench;
import io.taskgrid.proto.v1.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-chunk store format of docs/STORE-BATCHES.md, measured on the same members and with the
 * same records as {@code StoreBench} (run them in one JMH run for a ratio): {@code
 * createThenComplete} stores 1,000 tasks as records of {@value #CHUNK} slots (one put-if-absent
 * entry processor per record, with its synchronous backup: what the ack of a submission would wait
 * for), then their DONE records {@code flush} tasks at a time in task order, each flush one entry
 * processor per record it touches; every write of a step is issued before the first is awaited, as
 * the coordinator pipelines them. It is {@code StoreBench.createThenComplete} in the new format.
 * {@code readOneTask} is a per-task lookup in records whose tasks have all ended (GetTask). Each
 * round also deletes the previous round's records, 16 operations per 1,000 tasks, which a real
 * store would leave to the result TTL.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Djava.util.concurrent.ForkJoinPool.common.parallelism=4", "-Xmx2g"})
public class BatchRecordBench {
  static final int BATCH = 1_000;

  /** Slots per record, as docs/STORE-BATCHES.md proposes. */
  static final int CHUNK = 64;

  static final String MAP = "taskgrid-batches-prototype";

  @Param({"hazelcast", "hazelcast-2"})
  public String store;

  /**
   * Outcomes per completion write: how many of a batch's tasks end between two writes. A state of
   * its own, so that only {@code createThenComplete} runs once per value ({@code readOneTask} reads
   * the same records whatever it is).
   */
  @State(Scope.Benchmark)
  public static class Flush {
    @Param({"10", "100"})
    public int tasks;
  }

  private List<HazelcastInstance> members = List.of();
  private IMap<String, byte[]> batches;
  private long round;
  private long readRound;
  private int nextRead;

  @Setup
  public void setUp() {
    members = StoreBench.startMembers(store.equals("hazelcast-2") ? 2 : 1);
    batches = members.get(0).getMap(MAP);
    readRound = ++round; // what readOneTask reads: a round whose tasks all ended
    createAll(readRound).forEach(CompletableFuture::join);
    completeAll(readRound, CHUNK).forEach(CompletableFuture::join);
  }

  @TearDown
  public void tearDown() {
    for (HazelcastInstance m : members) {
      m.shutdown();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void createThenComplete(Flush flush, Blackhole bh) {
    round++;
    for (CompletableFuture<byte[]> create : createAll(round)) {
      bh.consume(create.join());
    }
    for (CompletableFuture<byte[]> write : completeAll(round, flush.tasks)) {
      bh.consume(write.join());
    }
    if (round - 1 != readRound) {
      for (int chunk = 0; chunk * CHUNK < BATCH; chunk++) {
        batches.deleteAsync(key(round - 1, chunk));
      }
    }
  }

  @Benchmark
  public byte[] readOneTask() {
    nextRead = (nextRead + 7) % BATCH;
    return batches.executeOnKey(
        key(readRound, nextRead / CHUNK), new ReadTaskProcessor(nextRead % CHUNK));
  }

  /** A round's tasks, one record per chunk, all writes issued before the first is awaited. */
  private List<CompletableFuture<byte[]>> createAll(long round) {
    List<CompletableFuture<byte[]>> creates = new ArrayList<>();
    for (int chunk = 0; chunk * CHUNK < BATCH; chunk++) {
      int first = chunk * CHUNK;
      List<byte[]> specs = specs(round, first, Math.min(BATCH, first + CHUNK));
      creates.add(
          batches
              .submitToKey(key(round, chunk), new CreateBatchProcessor(BatchRecord.create(specs)))
              .toCompletableFuture());
    }
    return creates;
  }

  /**
   * The DONE records of a round's tasks, {@code flush} tasks at a time in task order, each flush
   * one write per chunk it touches.
   */
  private List<CompletableFuture<byte[]>> completeAll(long round, int flush) {
    List<CompletableFuture<byte[]>> writes = new ArrayList<>();
    for (int start = 0; start < BATCH; start += flush) {
      int end = Math.min(BATCH, start + flush);
      for (int from = start; from < end; ) {
        int chunk = from / CHUNK;
        int to = Math.min(end, (chunk + 1) * CHUNK);
        int[] slots = new int[to - from];
        byte[][] outcomes = new byte[to - from][];
        for (int i = from; i < to; i++) {
          slots[i - from] = i % CHUNK;
          outcomes[i - from] = StoreBench.record(id(round, i), TaskState.DONE).toByteArray();
        }
        writes.add(
            batches
                .submitToKey(key(round, chunk), new CompleteTasksProcessor(slots, outcomes))
                .toCompletableFuture());
        from = to;
      }
    }
    return writes;
  }

  private static String key(long round, int chunk) {
    return "c-" + round + "-" + chunk;
  }

  private static String id(long round, int task) {
    return "t-" + round + "-" + task;
  }

  private static List<byte[]> specs(long round, int from, int to) {
    List<byte[]> specs = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      specs.add(StoreBench.record(id(round, i), TaskState.QUEUED).toByteArray());
    }
    return specs;
  }
}

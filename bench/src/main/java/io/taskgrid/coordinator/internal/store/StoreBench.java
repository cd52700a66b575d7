package io.taskgrid.coordinator.internal.store;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
 * Store writes per task, as the coordinator issues them, in batches of 1,000 records: {@code
 * createThenComplete} is the new records ({@code createAll}, what a submission does before it is
 * acknowledged), then the same records marked DONE ({@code completeAll}); {@code lifecycle} adds
 * the RUNNING write in between ({@code updateAll}, what a lease does), so it is all three writes a
 * task costs. HazelcastTaskStore on one embedded member ({@code hazelcast}), on the first of two
 * members in this JVM with the coordinator's one synchronous backup ({@code hazelcast-2}: half the
 * partitions are remote and every write waits for a backup), and InMemoryTaskStore; with ids of the
 * user's choosing and with the SDKs' ids (see {@link #ids}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Djava.util.concurrent.ForkJoinPool.common.parallelism=4", "-Xmx2g"})
public class StoreBench {
  static final int BATCH = 1_000;

  @Param({"hazelcast", "hazelcast-2", "memory"})
  public String store;

  /**
   * How the tasks are named: {@code own}, ids a user chose (a record per task, as every task was
   * stored before issue 15); {@code sdk}, the SDKs' {@code <prefix>-<n>-<check>} (live records 64
   * to a chunk).
   */
  @Param({"own", "sdk"})
  public String ids;

  /**
   * The store format of the members ({@link StoreFormat}); this release's by default. {@code -p
   * format=3,4} pairs the finished records one entry per task (3) with one entry per chunk (4).
   */
  @Param({"4"})
  public int format;

  /** The prefix of the {@code sdk} ids: one client's. */
  private static final String CLIENT = "0123456789abcdef0123456789abcdef";

  private final List<HazelcastInstance> members = new ArrayList<>();
  private ExecutorService executor;
  private TaskStore taskStore;
  private long round;
  private long readRound;
  private int nextRead;

  @Setup
  public void setUp() {
    executor = Executors.newFixedThreadPool(2);
    if (store.startsWith("hazelcast")) {
      StoreFormat storeFormat = StoreFormat.of(format);
      if (storeFormat == null) {
        throw new IllegalArgumentException("no store format " + format);
      }
      members.addAll(startMembers(store.equals("hazelcast-2") ? 2 : 1, storeFormat));
      taskStore = new HazelcastTaskStore(members.get(0), Duration.ofMinutes(5), executor);
    } else {
      taskStore = new InMemoryTaskStore(Clock.systemUTC(), Duration.ofMinutes(5), executor);
    }
    readRound = ++round; // what readOneTask reads: a round whose tasks all ended
    taskStore.createAll(batch(TaskState.QUEUED)).toCompletableFuture().join();
    taskStore.completeAll(batch(TaskState.DONE)).toCompletableFuture().join();
  }

  /**
   * One member, or two in one cluster (the second joins the first, so half the partitions are
   * remote from the first and every write waits for a backup on the other member).
   */
  public static List<HazelcastInstance> startMembers(int count) {
    return startMembers(count, StoreFormat.CURRENT);
  }

  /** As {@link #startMembers(int)}, of {@code format}. */
  public static List<HazelcastInstance> startMembers(int count, StoreFormat format) {
    String cluster = "store-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    HazelcastInstance first = Hazelcast.newHazelcastInstance(memberConfig(cluster, null, format));
    if (count == 1) {
      return List.of(first);
    }
    int port = first.getCluster().getLocalMember().getAddress().getPort();
    HazelcastInstance second =
        Hazelcast.newHazelcastInstance(memberConfig(cluster, "127.0.0.1:" + port, format));
    if (first.getCluster().getMembers().size() != 2) {
      throw new IllegalStateException("the second member did not join the first");
    }
    return List.of(first, second);
  }

  /**
   * A member on 127.0.0.1 that joins {@code join} (none: the first member), configured as the
   * coordinator configures its member.
   */
  private static Config memberConfig(String cluster, @Nullable String join, StoreFormat format) {
    Config config = new Config().setClusterName(cluster);
    config.setProperty("hazelcast.logging.type", "none");
    config.getJetConfig().setEnabled(false);
    // As the coordinator configures its member.
    HazelcastTaskStore.configure(config, Retention.getDefaultInstance(), format);
    config.getNetworkConfig().setPort(5901).setPortAutoIncrement(true).setPortCount(200);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true);
    if (join != null) {
      config.getNetworkConfig().getJoin().getTcpIpConfig().addMember(join);
    }
    return config;
  }

  @TearDown
  public void tearDown() {
    taskStore.close();
    for (HazelcastInstance m : members) {
      m.shutdown();
    }
    executor.shutdownNow();
  }

  private List<TaskInfo> batch(TaskState state) {
    List<TaskInfo> records = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      records.add(record(id(round, i), state));
    }
    return records;
  }

  /** The id of task {@code i} of round {@code r}. */
  private String id(long r, int i) {
    return ids.equals("sdk")
        ? CLIENT + "-" + (r * BATCH + i) + "-" + String.format("%016x", r * BATCH + i)
        : "t-" + r + "-" + i;
  }

  /** The record of one noop task in {@code state}: what both store benchmarks encode per task. */
  public static TaskInfo record(String id, TaskState state) {
    TaskInfo.Builder r =
        TaskInfo.newBuilder()
            .setSpec(
                TaskSpec.newBuilder()
                    .setId(id)
                    .setJobId("job")
                    .setType("noop")
                    .setPool(Pool.IO)
                    .setPayload(Payload.getDefaultInstance()))
            .setState(state)
            .setSubmittedUnixMs(1L);
    if (state == TaskState.RUNNING) {
      r.setAttempt(1).setWorkerId("w-1");
    }
    return r.build();
  }

  /**
   * GetTask of a task that ended: the store reads the live and the results map at once (before the
   * seventh pass of issue 15, one after the other); BatchRecordBench.readOneTask is the same lookup
   * in the per-chunk format.
   */
  @Benchmark
  public Object readOneTask() {
    nextRead = (nextRead + 7) % BATCH;
    return taskStore.get(id(readRound, nextRead)).toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void createThenComplete(Blackhole bh) {
    round++;
    bh.consume(taskStore.createAll(batch(TaskState.QUEUED)).toCompletableFuture().join());
    bh.consume(taskStore.completeAll(batch(TaskState.DONE)).toCompletableFuture().join());
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void lifecycle(Blackhole bh) {
    round++;
    bh.consume(taskStore.createAll(batch(TaskState.QUEUED)).toCompletableFuture().join());
    bh.consume(taskStore.updateAll(batch(TaskState.RUNNING)).toCompletableFuture().join());
    bh.consume(taskStore.completeFirst(batch(TaskState.DONE)).toCompletableFuture().join());
  }
}

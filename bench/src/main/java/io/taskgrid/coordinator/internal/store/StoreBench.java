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
 * Store writes per task, as the coordinator issues them: a batch of 1,000 new records ({@code
 * createAll}, what a submission does before it is acknowledged), then the same records marked DONE
 * ({@code completeAll}). HazelcastTaskStore on one embedded member vs InMemoryTaskStore.
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

  @Param({"hazelcast", "memory"})
  public String store;

  private HazelcastInstance hazelcast;
  private ExecutorService executor;
  private TaskStore taskStore;
  private long round;

  @Setup
  public void setUp() {
    executor = Executors.newFixedThreadPool(2);
    if (store.equals("hazelcast")) {
      Config config = new Config().setClusterName("store-bench-" + ProcessHandle.current().pid());
      config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
      config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
      config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
      config.setProperty("hazelcast.logging.type", "none");
      hazelcast = Hazelcast.newHazelcastInstance(config);
      taskStore = new HazelcastTaskStore(hazelcast, Duration.ofMinutes(5), executor);
    } else {
      taskStore = new InMemoryTaskStore(Clock.systemUTC(), Duration.ofMinutes(5), executor);
    }
  }

  @TearDown
  public void tearDown() {
    taskStore.close();
    if (hazelcast != null) {
      hazelcast.shutdown();
    }
    executor.shutdownNow();
  }

  private List<TaskInfo> batch(TaskState state) {
    List<TaskInfo> records = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      records.add(
          TaskInfo.newBuilder()
              .setSpec(
                  TaskSpec.newBuilder()
                      .setId("t-" + round + "-" + i)
                      .setJobId("job")
                      .setType("noop")
                      .setPool(Pool.IO)
                      .setPayload(Payload.getDefaultInstance()))
              .setState(state)
              .setSubmittedUnixMs(1L)
              .build());
    }
    return records;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void createThenComplete(Blackhole bh) {
    round++;
    bh.consume(taskStore.createAll(batch(TaskState.QUEUED)).toCompletableFuture().join());
    bh.consume(taskStore.completeAll(batch(TaskState.DONE)).toCompletableFuture().join());
  }
}

package io.taskgrid.coordinator.internal.store;

import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one round of the store audit costs (docs/ARCHITECTURE.md, "The store audit"), with {@link
 * #live} live records in the store, all of this coordinator, in chunks as the SDKs name them, on
 * the first of two members (half the partitions remote, one backup each), as a coordinator of a
 * two-member cluster holds them: {@code ownedLiveIds}, the scan every coordinator makes every 30 s,
 * and {@code claimNothing}, the oldest member's orphan claim of the same round when no member left
 * (it finds nothing to claim, and its backup pass runs on the backups).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class AuditScanBench {
  private static final String CLIENT = "fedcba9876543210fedcba9876543210";
  private static final String OWNER = "this-coordinator";

  /** Live records in the store. */
  @Param({"100000"})
  public int live;

  private List<HazelcastInstance> members;
  private ExecutorService executor;
  private TaskStore store;

  @Setup
  public void setUp() {
    executor = Executors.newFixedThreadPool(2);
    members = StoreBench.startMembers(2);
    store = new HazelcastTaskStore(members.get(0), Duration.ofMinutes(5), executor);
    List<TaskInfo> batch = new ArrayList<>(StoreBench.BATCH);
    for (int i = 0; i < live; i++) {
      String id = CLIENT + "-" + i + "-" + String.format("%016x", i);
      batch.add(StoreBench.record(id, TaskState.QUEUED).toBuilder().setOwner(OWNER).build());
      if (batch.size() == StoreBench.BATCH) {
        store.createAll(batch).toCompletableFuture().join();
        batch.clear();
      }
    }
    store.createAll(batch).toCompletableFuture().join();
    int found = store.ownedLiveIds(OWNER).toCompletableFuture().join().size();
    if (found != live) {
      throw new IllegalStateException("the scan found " + found + " of " + live + " records");
    }
  }

  @TearDown
  public void tearDown() {
    store.close();
    for (HazelcastInstance m : members) {
      m.shutdown();
    }
    executor.shutdownNow();
  }

  @Benchmark
  public int ownedLiveIds() {
    return store.ownedLiveIds(OWNER).toCompletableFuture().join().size();
  }

  @Benchmark
  public int claimNothing() {
    return store.claimOrphans(Set.of(OWNER), OWNER).toCompletableFuture().join().size();
  }
}

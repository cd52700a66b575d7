package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.concurrent.Executors2;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The retention of the finished chunks (store format 4) on a real member, swept by hand on a fake
 * clock: records go once past their TTL, and a member keeps at most its budget, the oldest chunks
 * going first.
 */
class FinishedChunksHazelcastTest {
  private static final long BUDGET = 1_000;
  private static final Duration TTL = Duration.ofMinutes(5);

  private static HazelcastInstance member;
  private static ThreadPoolExecutor executor;

  @BeforeAll
  static void startMember() {
    member =
        Hazelcast.newHazelcastInstance(
            HazelcastConfigs.memberConfig(
                CoordinatorOptions.newBuilder()
                    .clusterName("finished-chunks-" + System.nanoTime())
                    .hazelcastPort(0)
                    .retainedMax(BUDGET)
                    .build()));
    executor = Executors2.fixed("finished-chunks-test", 2);
  }

  @AfterAll
  static void stopMember() {
    member.shutdown();
    Executors2.shutdown(executor, Duration.ofSeconds(2));
  }

  private final FakeClock clock = new FakeClock();

  private HazelcastTaskStore store() {
    return new HazelcastTaskStore(member, TTL, executor, clock, false);
  }

  @Test
  void aSmallBudget_runsFormat4() {
    HazelcastTaskStore store = store();
    try {
      assertThat(store.format()).isEqualTo(StoreFormat.FINISHED_BY_CHUNK);
    } finally {
      store.close();
    }
  }

  @Test
  void pastTheTtl_sweptAway_whileLaterOnesStay() throws Exception {
    HazelcastTaskStore store = store();
    try {
      List<TaskInfo> early = finish(store, tasks(100));
      clock.advance(TTL.dividedBy(2));
      List<TaskInfo> later = finish(store, tasks(100));

      clock.advance(TTL.dividedBy(2)); // the early ones expire now, the later ones half a TTL on
      Retained held = store.sweepRetention();

      assertThat(join(store.getAll(ids(early)))).isEmpty();
      assertThat(join(store.getAll(ids(later)))).hasSize(100);
      assertThat(held.records()).isEqualTo(100);
      assertThat(store.retained().records()).isEqualTo(100);
    } finally {
      store.sweepRetention(); // leave nothing for the next test: its own budget
      clock.advance(TTL.multipliedBy(2));
      store.sweepRetention();
      store.close();
    }
  }

  @Test
  void overTheBudget_keepsTheNewestWithinIt_andAnsweredExpiredForTheRest() throws Exception {
    HazelcastTaskStore store = store();
    try {
      List<List<TaskInfo>> batches = new ArrayList<>();
      for (int b = 0; b < 4; b++) {
        batches.add(finish(store, tasks(640))); // 10 whole chunks each
        clock.advance(Duration.ofMillis(1));
      }

      Retained held = store.sweepRetention();

      assertThat(held.records()).isBetween(BUDGET - 64, BUDGET);
      assertThat(join(store.getAll(ids(batches.get(3))))).hasSize(640);
      assertThat(join(store.getAll(ids(batches.get(0))))).isEmpty();
      assertThat(join(store.getAll(ids(batches.get(1))))).isEmpty();
      assertThat(join(store.get(batches.get(0).get(0).getSpec().getId()))).isEmpty();
    } finally {
      clock.advance(TTL.multipliedBy(2));
      store.sweepRetention();
      store.close();
    }
  }

  /** Creates and ends {@code records}; returns them ended. */
  private static List<TaskInfo> finish(HazelcastTaskStore store, List<TaskInfo> records)
      throws Exception {
    join(store.createAll(records));
    List<TaskInfo> done = records.stream().map(TaskStoreContractTest::done).toList();
    join(store.completeFirst(done));
    return done;
  }

  /** {@code n} consecutive tasks of a new client, named as the SDKs name them. */
  private static List<TaskInfo> tasks(int n) {
    String prefix = HexFormat.of().formatHex(random(16));
    List<TaskInfo> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i + "-" + HexFormat.of().formatHex(random(8));
      assertThat(ChunkIds.chunkOf(id)).isNotNull();
      out.add(
          TaskInfo.newBuilder()
              .setSpec(TaskSpec.newBuilder().setId(id).setType("echo"))
              .setState(TaskState.QUEUED)
              .build());
    }
    return out;
  }

  private static List<String> ids(List<TaskInfo> records) {
    return records.stream().map(r -> r.getSpec().getId()).toList();
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

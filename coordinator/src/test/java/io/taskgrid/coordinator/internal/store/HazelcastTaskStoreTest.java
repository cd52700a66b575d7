package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.concurrent.Executors2;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on a real standalone Hazelcast member (one per class: it takes ~1 s to start). */
class HazelcastTaskStoreTest extends TaskStoreContractTest {
  private static HazelcastInstance hazelcast;
  private static ThreadPoolExecutor executor;

  @BeforeAll
  static void startMember() {
    CoordinatorOptions options =
        CoordinatorOptions.newBuilder()
            .clusterName("store-test-" + System.nanoTime())
            .hazelcastPort(0)
            .build();
    hazelcast = Hazelcast.newHazelcastInstance(HazelcastConfigs.memberConfig(options));
    executor = Executors2.fixed("store-test", 2);
  }

  @AfterAll
  static void stopMember() {
    hazelcast.shutdown();
    Executors2.shutdown(executor, Duration.ofSeconds(2));
  }

  @Override
  TaskStore newStore() {
    return new HazelcastTaskStore(hazelcast, TTL, executor);
  }

  @Override
  void passTtl(TaskStore store, String expiringId) {
    // Hazelcast expiry runs on real time (1 s granularity): wait until the entry is gone.
    await().atMost(Duration.ofSeconds(10)).until(() -> join(store.get(expiringId)).isEmpty());
  }

  @Test
  void createAll_calledOnAnyThread_hazelcastCallIssuedOnlyOnStoreExecutor() throws Exception {
    // A test-controlled executor: nothing runs until the test says so.
    java.util.Queue<Runnable> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    TaskStore held = new HazelcastTaskStore(hazelcast, TTL, pending::add);
    var info = queued("held", "x");

    var stage = held.createAll(java.util.List.of(info)).toCompletableFuture();

    assertThat(stage).isNotDone();
    assertThat(hazelcast.getMap(HazelcastTaskStore.TASKS_MAP).containsKey(info.getSpec().getId()))
        .isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              for (Runnable r = pending.poll(); r != null; r = pending.poll()) {
                r.run();
              }
              return stage.isDone();
            });
    assertThat(stage.get()).containsExactly(java.util.Optional.empty());
  }
}

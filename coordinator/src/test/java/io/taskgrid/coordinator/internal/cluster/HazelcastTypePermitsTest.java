package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.concurrent.Executors2;
import io.taskgrid.coordinator.internal.sched.TypePermits;
import io.taskgrid.coordinator.internal.sched.TypePermitsContractTest;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on a real standalone Hazelcast member (one per class: it takes ~1 s to start). */
class HazelcastTypePermitsTest extends TypePermitsContractTest {
  private static HazelcastInstance hazelcast;
  private static ThreadPoolExecutor executor;

  @BeforeAll
  static void startMember() {
    CoordinatorOptions options =
        CoordinatorOptions.newBuilder()
            .clusterName("permits-test-" + System.nanoTime())
            .hazelcastPort(0)
            .build();
    hazelcast = Hazelcast.newHazelcastInstance(HazelcastConfigs.memberConfig(options));
    executor = Executors2.fixed("permits-test", 2);
  }

  @AfterAll
  static void stopMember() {
    hazelcast.shutdown();
    Executors2.shutdown(executor, Duration.ofSeconds(2));
  }

  @Override
  protected TypePermits newPermits() {
    return new HazelcastTypePermits(hazelcast, executor);
  }
}

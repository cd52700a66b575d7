package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoordinatorLifecycleTest {
  private static boolean ourThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith("taskgrid-coordinator-"));
  }

  @Test
  void close_afterStart_stopsServerExecutorsAndHazelcast() throws Exception {
    Coordinator c =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .clusterName("lifecycle-" + System.nanoTime())
                .build());
    assertThat(c.port()).isPositive();
    assertThat(Hazelcast.getAllHazelcastInstances()).isNotEmpty();

    c.close();
    c.close(); // a second close is harmless

    assertThat(Hazelcast.getAllHazelcastInstances()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> !ourThreadsAlive());
  }
}

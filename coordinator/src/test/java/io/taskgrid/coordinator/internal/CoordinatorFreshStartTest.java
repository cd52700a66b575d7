package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link Coordinator#startAfresh}: a start that misses its deadline is abandoned, its member and
 * anything it started are gone (the ports are free again), and after the last attempt the caller
 * gets an error; within its deadline it is an ordinary start.
 */
class CoordinatorFreshStartTest {
  private final String cluster = "fresh-" + System.nanoTime();

  @Test
  void everyAttemptMissesItsDeadline_failsAndLeavesNothingRunning() throws IOException {
    CoordinatorOptions options = options(freePort(), freePort());

    // No start finishes within a millisecond: each attempt is abandoned.
    assertThatThrownBy(() -> Coordinator.startAfresh(options, Duration.ofMillis(1), 2))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("2 attempts");

    assertThat(Hazelcast.getAllHazelcastInstances())
        .noneMatch(hz -> cluster.equals(hz.getConfig().getClusterName()));
    // The same ports serve a new coordinator: the abandoned ones released them.
    try (Coordinator c = Coordinator.start(options)) {
      assertThat(c.port()).isEqualTo(options.port());
    }
  }

  @Test
  void withinItsDeadline_anOrdinaryStartOnTheSamePorts() throws IOException {
    CoordinatorOptions options = options(freePort(), freePort());
    try (Coordinator c = Coordinator.startAfresh(options, Duration.ofSeconds(60), 1)) {
      assertThat(c.port()).isEqualTo(options.port());
      assertThat(c.serving()).isTrue();
      HazelcastInstance hz = c.hazelcast();
      assertThat(hz.getConfig().getClusterName()).isEqualTo(cluster);
    }
  }

  private CoordinatorOptions options(int grpcPort, int hazelcastPort) {
    return CoordinatorOptions.newBuilder()
        .host("127.0.0.1")
        .port(grpcPort)
        .hazelcastHost("127.0.0.1")
        .hazelcastPort(hazelcastPort)
        .clusterName(cluster)
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

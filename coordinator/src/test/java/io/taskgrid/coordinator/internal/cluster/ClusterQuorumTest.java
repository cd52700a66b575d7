package io.taskgrid.coordinator.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.metrics.MetricNames;
import io.taskgrid.coordinator.internal.sched.AcknowledgementGate.Verdict;
import io.taskgrid.coordinator.internal.store.HazelcastTaskStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link ClusterQuorum} on the first of three in-JVM Hazelcast members configured as coordinators
 * configure them: two members terminated at once fence it (gauge 0, the store's maps refuse
 * operations through the split-brain protection); members that announce a graceful stop do not.
 */
class ClusterQuorumTest {
  static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(2);
  static final Duration WAIT = Duration.ofSeconds(60);

  private final List<HazelcastInstance> members = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CollectorRegistry registry = new CollectorRegistry();
  private ClusterQuorum quorum;

  @AfterEach
  void stop() {
    if (quorum != null) {
      quorum.close();
    }
    members.forEach(m -> m.getLifecycleService().terminate());
  }

  private void startThree() throws IOException {
    String cluster = "quorum-test-" + System.nanoTime();
    int[] ports = {freePort(), freePort(), freePort()};
    List<String> addresses = new ArrayList<>();
    for (int p : ports) {
      addresses.add("127.0.0.1:" + p);
    }
    Config first = null;
    for (int p : ports) {
      Config config =
          HazelcastConfigs.memberConfig(
              CoordinatorOptions.newBuilder()
                  .clusterName(cluster)
                  .hazelcastHost("127.0.0.1")
                  .hazelcastPort(p)
                  .members(addresses)
                  .memberTimeout(MEMBER_TIMEOUT)
                  .build());
      first = first == null ? config : first;
      members.add(Hazelcast.newHazelcastInstance(config));
    }
    await().atMost(WAIT).until(() -> members.get(0).getCluster().getMembers().size() == 3);
    quorum =
        ClusterQuorum.start(
            members.get(0),
            Clock.systemUTC(),
            MinorityWatch.Settings.of(MEMBER_TIMEOUT),
            new MinorityWatch.Listener() {
              @Override
              public void fenced(String reason) {
                events.add("fenced: " + reason);
              }

              @Override
              public void whole(boolean rejoined) {
                events.add(rejoined ? "rejoin" : "whole");
              }
            },
            registry);
    // Wired as the Coordinator wires it: without the heartbeats the lease counts the other members
    // as gone one window after start, and the watch fences a healthy cluster.
    QuorumFunction function = HazelcastConfigs.quorumFunction(first);
    function.attach(quorum.watch()::hasQuorum);
    function.onHeartbeats(quorum::heard);
  }

  private double serving() {
    return registry.getSampleValue(MetricNames.SERVING);
  }

  @Test
  void twoOfThreeTerminated_fencesAndTheStoreRefuses() throws IOException {
    startThree();
    IMap<String, byte[]> tasks = members.get(0).getMap(HazelcastTaskStore.TASKS_MAP);
    tasks.put("before", new byte[] {1});
    assertThat(serving()).isEqualTo(1.0);

    members.get(1).getLifecycleService().terminate();
    members.get(2).getLifecycleService().terminate();

    await().atMost(WAIT).until(() -> !quorum.watch().serving());
    assertThat(serving()).isEqualTo(0.0);
    assertThat(events).first().asString().contains("1 of the 3 coordinators");
    // Hazelcast asks the function every heartbeat (1 s).
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> tasks.put("during", new byte[] {2}))
                    .isInstanceOf(SplitBrainProtectionException.class));
  }

  @Test
  void oneOfThreeTerminated_acknowledgementsHeldForAMomentThenGiven() throws IOException {
    startThree();
    assertThat(quorum.acknowledgement()).isEqualTo(Verdict.ACKNOWLEDGE);

    members.get(2).getLifecycleService().terminate();
    await().atMost(WAIT).until(() -> members.get(0).getCluster().getMembers().size() == 2);

    // A look right after the removal holds (MemberLossGuardTest pins that); the two left are a
    // majority, so acknowledgements resume after the hold, with no fence.
    await().atMost(WAIT).until(() -> quorum.acknowledgement() == Verdict.ACKNOWLEDGE);
    assertThat(quorum.watch().serving()).isTrue();
    assertThat(events).isEmpty();
  }

  @Test
  void gracefulStops_areNoLoss() throws IOException {
    startThree();
    for (int i = 1; i <= 2; i++) {
      HazelcastInstance leaving = members.get(i);
      leaving
          .getTopic(ClusterQuorum.DEPARTURES_TOPIC)
          .publish(leaving.getCluster().getLocalMember().getUuid().toString());
      leaving.shutdown();
      int expected = 3 - i;
      await().atMost(WAIT).until(() -> members.get(0).getCluster().getMembers().size() == expected);
    }
    await().atMost(WAIT).until(() -> quorum.watch().members() == 1);
    assertThat(quorum.watch().serving()).isTrue();
    assertThat(events).isEmpty();
    members.get(0).getMap(HazelcastTaskStore.TASKS_MAP).put("after", new byte[] {3});
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

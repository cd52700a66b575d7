package io.taskgrid.coordinator.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.proto.v1.TaskResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HazelcastCompletionBusTest {
  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void stop() {
    members.forEach(HazelcastInstance::shutdown);
  }

  @Test
  void publish_alone_sendsNoMessage() throws IOException {
    HazelcastInstance only = start(1).get(0);
    HazelcastCompletionBus bus = new HazelcastCompletionBus(only);

    bus.publish(List.of(result("t1")));

    assertThat(
            only.getTopic(HazelcastCompletionBus.TOPIC)
                .getLocalTopicStats()
                .getPublishOperationCount())
        .isZero();
  }

  @Test
  void publish_withAnotherMember_reachesItsSubscriber() throws IOException {
    List<HazelcastInstance> two = start(2);
    HazelcastCompletionBus sender = new HazelcastCompletionBus(two.get(0));
    HazelcastCompletionBus receiver = new HazelcastCompletionBus(two.get(1));
    Queue<String> heardByReceiver = new ConcurrentLinkedQueue<>();
    receiver.subscribe(rs -> rs.forEach(r -> heardByReceiver.add(r.getTaskId())));

    sender.publish(List.of(result("t1"), result("t2")));

    await().atMost(Duration.ofSeconds(30)).until(() -> heardByReceiver.size() == 2);
    assertThat(heardByReceiver).containsExactly("t1", "t2");
    assertThat(
            two.get(0)
                .getTopic(HazelcastCompletionBus.TOPIC)
                .getLocalTopicStats()
                .getPublishOperationCount())
        .isEqualTo(1);
  }

  private static TaskResult result(String id) {
    return TaskResult.newBuilder().setTaskId(id).build();
  }

  private List<HazelcastInstance> start(int n) throws IOException {
    String cluster = "bus-test-" + System.nanoTime();
    List<String> addresses = new ArrayList<>();
    int[] ports = new int[n];
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
      addresses.add("127.0.0.1:" + ports[i]);
    }
    for (int i = 0; i < n; i++) {
      members.add(
          Hazelcast.newHazelcastInstance(
              HazelcastConfigs.memberConfig(
                  CoordinatorOptions.newBuilder()
                      .clusterName(cluster)
                      .hazelcastHost("127.0.0.1")
                      .hazelcastPort(ports[i])
                      .members(addresses)
                      .build())));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> members.get(0).getCluster().getMembers().size() == n);
    return members;
  }
}

package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.cluster.impl.ClusterServiceImpl;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A split and its merge on three in-JVM coordinators (each on its own Hazelcast member), one worker
 * connected to all and a client whose session is on the first. The first member is cut off from the
 * other two (each side suspects the other, as Hazelcast's own split-brain tests do, minus their
 * firewall: the network stays up, so Hazelcast's merge look finds the other side at once). The
 * minority must stop serving (its sessions end UNAVAILABLE), be merged back and, started afresh as
 * the {@code taskgrid coordinator} command does, serve again; every task the client submitted
 * before, during and after must end with the stored outcome the client saw.
 */
// A fresh start that Hazelcast blocks costs one abandoned attempt of 30 s
// (Coordinator#startAfresh).
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InJvmSplitMergeTest {
  static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(2);
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int COORDINATORS = 3;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HazelcastInstance[] members = new HazelcastInstance[COORDINATORS];
  private final Coordinator[] coordinators = new Coordinator[COORDINATORS];
  private final int[] hzPorts = new int[COORDINATORS];
  private final int[] grpcPorts = new int[COORDINATORS];
  private final List<String> addresses = new ArrayList<>();
  private final String cluster = "split-" + System.nanoTime();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    for (int i = 0; i < COORDINATORS; i++) {
      if (coordinators[i] != null) {
        coordinators[i].close();
      }
      if (members[i] != null) {
        members[i].getLifecycleService().terminate();
      }
    }
  }

  @Test
  void minorityCutOff_fencesMergesBackAndServesAfresh_storedOutcomeIsWhatTheClientSaw()
      throws Exception {
    for (int i = 0; i < COORDINATORS; i++) {
      hzPorts[i] = InJvmCluster.freePort();
      grpcPorts[i] = InJvmCluster.freePort();
      addresses.add("127.0.0.1:" + hzPorts[i]);
    }
    for (int i = 0; i < COORDINATORS; i++) {
      members[i] = Hazelcast.newHazelcastInstance(memberConfig(i));
    }
    for (int i = 0; i < COORDINATORS; i++) {
      coordinators[i] = Coordinator.start(options(i), members[i]);
    }
    awaitWhole();
    List<String> targets = new ArrayList<>();
    for (Coordinator c : coordinators) {
      targets.add(c.target());
    }
    Worker worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(targets)
                .cpuProcesses(0)
                .ioCapacity(200)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build());
    resources.add(worker);
    TaskgridClient client =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(targets).build());
    resources.add(client);
    // A session stream of its own on the first coordinator, to see how the fence ends it.
    ManagedChannel raw = ManagedChannelBuilder.forTarget(targets.get(0)).usePlaintext().build();
    resources.add(() -> raw.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    CompletableFuture<Status> rawEnded = new CompletableFuture<>();
    StreamObserver<ClientMessage> rawSession =
        TaskServiceGrpc.newStub(raw).session(endedWith(rawEnded));
    assertThat(rawSession).isNotNull(); // cancelled with its channel

    String prefix = "m" + System.nanoTime() + "-";
    List<TaskFuture<?>> futures = new ArrayList<>();
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      long ms = 300L + (i * 37L) % 1_500L; // running across the split
      futures.add(
          client.submit(TaskTypes.SLEEP, ms, TaskOptions.newBuilder().id(prefix + i).build()));
      expected.add(ms);
    }
    echoes(client, prefix + "before-", 50, futures, expected);
    TaskFuture<?> last = futures.get(futures.size() - 1);
    Awaitility.await().atMost(WAIT).until(() -> client.getTask(last.taskId()).isPresent());
    awaitWhole(); // and every record on its backup before the cut

    // WHEN the first member is cut off from the other two (they suspect it first, so that the next
    // oldest claims mastership with the other's consent; then it drops them)
    suspect(members[2], members[0]);
    suspect(members[1], members[0]);
    suspect(members[0], members[1]);
    suspect(members[0], members[2]);

    // THEN it stops serving: its session streams end UNAVAILABLE, so clients fail over
    Awaitility.await("the minority fenced off")
        .atMost(WAIT)
        .until(() -> !coordinators[0].serving());
    assertThat(rawEnded.get(WAIT.toSeconds(), TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    echoes(client, prefix + "during-", 50, futures, expected);

    // AND Hazelcast merges it back into the majority, which adopted its tasks: it asks to be
    // started afresh (as the taskgrid coordinator command does, on the same ports)
    coordinators[0].rejoinNeeded().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(coordinators[0].serving()).isFalse(); // still fenced until started afresh
    coordinators[0].close();
    members[0].shutdown();
    // As RejoiningCoordinator does (Coordinator#startAfresh says why it may take a second try).
    coordinators[0] =
        Coordinator.startAfresh(
            options(0), Coordinator.FRESH_START_DEADLINE, Coordinator.FRESH_START_ATTEMPTS);
    members[0] = coordinators[0].hazelcast();
    awaitWhole();
    echoes(client, prefix + "after-", 50, futures, expected);

    // AND every task ends with the outcome the client saw, stored as such
    List<String> mismatched = new ArrayList<>();
    List<String> unended = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (TaskFuture<?> f : futures) {
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        unended.add(f.taskId() + ": " + storedRecord(f.taskId()));
      }
    }
    assertThat(unended).as("tasks that did not end, with their store records").isEmpty();
    for (int i = 0; i < futures.size(); i++) {
      TaskFuture<?> f = futures.get(i);
      assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected.get(i));
      TaskResultInfo seen = f.resultInfo().orElseThrow();
      Optional<TaskResultInfo> stored = client.getTask(f.taskId()).flatMap(TaskStatus::result);
      if (stored.isEmpty()
          || !stored.get().outcome().equals(seen.outcome())
          || stored.get().attempt() != seen.attempt()
          || !stored.get().workerId().equals(seen.workerId())) {
        mismatched.add(f.taskId() + ": client saw " + seen + ", stored " + stored);
      }
    }
    assertThat(mismatched).as("stored outcome differs from the client's").isEmpty();
  }

  /** The live or finished record of a task as the store holds it (owner included). */
  private String storedRecord(String id) {
    for (String map :
        List.of(
            io.taskgrid.coordinator.internal.store.HazelcastTaskStore.TASKS_MAP,
            io.taskgrid.coordinator.internal.store.HazelcastTaskStore.RESULTS_MAP)) {
      byte[] bytes = members[1].<String, byte[]>getMap(map).get(id);
      if (bytes != null) {
        try {
          io.taskgrid.proto.v1.TaskInfo info = io.taskgrid.proto.v1.TaskInfo.parseFrom(bytes);
          return map
              + " state="
              + info.getState()
              + " attempt="
              + info.getAttempt()
              + " worker="
              + info.getWorkerId()
              + " owner="
              + info.getOwner()
              + " members="
              + members[1].getCluster().getMembers();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          return "unreadable record";
        }
      }
    }
    return "no record";
  }

  private Config memberConfig(int i) {
    return HazelcastConfigs.memberConfig(options(i));
  }

  private CoordinatorOptions options(int i) {
    return CoordinatorOptions.newBuilder()
        .host("127.0.0.1")
        .port(grpcPorts[i])
        .hazelcastHost("127.0.0.1")
        .hazelcastPort(hzPorts[i])
        .members(addresses)
        .clusterName(cluster)
        .memberTimeout(MEMBER_TIMEOUT)
        .build();
  }

  /** {@code by} drops {@code whom} from its member list and closes their connection. */
  private static void suspect(HazelcastInstance by, HazelcastInstance whom) {
    UUID id = whom.getCluster().getLocalMember().getUuid();
    ClusterServiceImpl clusterService =
        ((HazelcastInstanceProxy) by).getOriginal().node.getClusterService();
    for (Member m : by.getCluster().getMembers()) {
      if (m.getUuid().equals(id)) { // by's own view of it (not the member's local instance)
        clusterService.suspectMember(m, "cut off by the test", /* closeConnection= */ true);
      }
    }
  }

  private void awaitWhole() {
    Awaitility.await("every coordinator serving, " + COORDINATORS + " members each")
        .atMost(WAIT)
        .until(
            () -> {
              for (int i = 0; i < COORDINATORS; i++) {
                // Cluster-safe: every partition's backups are in place. A cut before that loses
                // the partitions still migrating to the members that join last.
                if (!coordinators[i].serving()
                    || members[i].getCluster().getMembers().size() != COORDINATORS
                    || !members[i].getPartitionService().isClusterSafe()) {
                  return false;
                }
              }
              return true;
            });
  }

  private static void echoes(
      TaskgridClient client,
      String prefix,
      int n,
      List<TaskFuture<?>> futures,
      List<Object> expected) {
    for (int i = 0; i < n; i++) {
      futures.add(
          client.submit(
              TaskTypes.ECHO, prefix + i, TaskOptions.newBuilder().id(prefix + i).build()));
      expected.add(prefix + i);
    }
  }

  private static StreamObserver<ServerMessage> endedWith(CompletableFuture<Status> ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ServerMessage value) {}

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    };
  }
}

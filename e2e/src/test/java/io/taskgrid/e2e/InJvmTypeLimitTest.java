package io.taskgrid.e2e;

import static io.taskgrid.e2e.GatedHandler.GATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.cluster.HazelcastTypePermits;
import io.taskgrid.coordinator.internal.cluster.TaskAdoption;
import io.taskgrid.coordinator.internal.sched.PermitLedger;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The type limit is cluster-wide: two coordinators in one in-JVM Hazelcast cluster, both with
 * {@code --type-limit test.gated=2}, and one worker connected to both. Tasks of the type are
 * submitted to both coordinators; the worker's handler counts how many run at once and holds them
 * until the test opens its gate.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InJvmTypeLimitTest {
  private static final int LIMIT = 2;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private String cluster;
  private List<String> members;
  private int[] ports;

  @BeforeEach
  void setUp() throws IOException {
    GATE.reset();
    ports = new int[] {InJvmCluster.freePort(), InJvmCluster.freePort()};
    members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    cluster = "type-limit-" + System.nanoTime();
  }

  @AfterEach
  void closeAll() throws Exception {
    GATE.openAll();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void twoCoordinators_tasksOnBoth_neverMoreThanTheLimitRunAndAllFinish() throws Exception {
    Member a = member(ports[0]);
    Member b = member(ports[1]);
    worker(a, b);
    TaskgridClient toA = client(a, b);
    TaskgridClient toB = client(b, a);

    List<TaskFuture<Long>> futures = new ArrayList<>();
    for (long i = 0; i < 4; i++) {
      futures.add(toA.submit(GatedHandler.TYPE, i));
      futures.add(toB.submit(GatedHandler.TYPE, 100 + i));
    }

    // Let them through the gate as they come, as many as run at once each time.
    int ended = 0;
    while (ended < futures.size()) {
      int expected = Math.min(LIMIT, futures.size() - ended);
      await().atMost(WAIT).until(() -> GATE.running() >= expected);
      assertThat(GATE.maxRunning()).isLessThanOrEqualTo(LIMIT);
      ended += GATE.openAll();
    }

    for (int i = 0; i < futures.size(); i++) {
      long input = i % 2 == 0 ? i / 2 : 100 + i / 2;
      assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(input);
    }
    assertThat(GATE.maxRunning()).isEqualTo(LIMIT);
    // Nothing of the type runs or waits any more: every permit went back.
    await().atMost(WAIT).until(() -> ledger(a).total() == 0);
  }

  @Test
  void coordinatorLeavesHoldingPermits_survivorStillRunsUpToTheLimit() throws Exception {
    Member a = member(ports[0]);
    Member b = member(ports[1]);
    worker(a, b);
    TaskgridClient toA = client(a, b);
    TaskgridClient toB = client(b, a);

    // GIVEN a holding both permits for two running tasks, and two tasks waiting on b
    List<TaskFuture<Long>> onA = toA.map(GatedHandler.TYPE, List.of(1L, 2L));
    await().atMost(WAIT).until(() -> GATE.running() == LIMIT);
    List<TaskFuture<Long>> onB = toB.map(GatedHandler.TYPE, List.of(3L, 4L));
    await().atMost(WAIT).until(() -> queued(b) == 2);

    // WHEN a leaves: b adopts its tasks, still running on the worker, and its permits
    a.close();
    resources.remove(a);
    String heir = TaskAdoption.ownerId(b.hazelcast());
    await()
        .atMost(WAIT)
        .until(
            () ->
                ledger(b).held(heir) == LIMIT
                    && b.coordinator().runtime().scheduler().liveTasks() == 4);
    assertThat(GATE.running()).isEqualTo(LIMIT);
    assertThat(queued(b)).isEqualTo(2);

    // THEN once a's tasks end, b runs its own, both at once: the limit was not reduced
    assertThat(GATE.openAll()).isEqualTo(LIMIT);
    await().atMost(WAIT).until(() -> GATE.running() >= LIMIT);
    assertThat(GATE.openAll()).isEqualTo(LIMIT);
    for (TaskFuture<Long> f : onA) {
      assertThat(f).succeedsWithin(WAIT);
    }
    for (TaskFuture<Long> f : onB) {
      assertThat(f).succeedsWithin(WAIT);
    }
    assertThat(GATE.maxRunning()).isEqualTo(LIMIT);
    // Nothing of the type runs or waits any more: every permit went back.
    await().atMost(WAIT).until(() -> ledger(b).total() == 0);
  }

  /** A coordinator on a Hazelcast member of its own, in {@link #cluster}. */
  private record Member(HazelcastInstance hazelcast, Coordinator coordinator)
      implements AutoCloseable {
    String target() {
      return coordinator.target();
    }

    @Override
    public void close() {
      coordinator.close();
      hazelcast.shutdown();
    }
  }

  private Member member(int hzPort) throws IOException {
    CoordinatorOptions options =
        CoordinatorOptions.newBuilder()
            .host("127.0.0.1")
            .port(0)
            .hazelcastHost("127.0.0.1")
            .hazelcastPort(hzPort)
            .members(members)
            .clusterName(cluster)
            .typeLimits(Map.of(GatedHandler.TYPE.name(), LIMIT))
            .build();
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.memberConfig(options));
    Member m;
    try {
      m = new Member(hz, Coordinator.start(options, hz));
    } catch (IOException | RuntimeException e) {
      hz.shutdown();
      throw e;
    }
    resources.add(m);
    return m;
  }

  private void worker(Member... to) {
    List<String> targets = new ArrayList<>();
    for (Member m : to) {
      targets.add(m.target());
    }
    resources.add(
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(targets)
                .cpuProcesses(0)
                .ioCapacity(16)
                .build()));
  }

  /** A client that submits to {@code first} and fails over to {@code then}. */
  private TaskgridClient client(Member first, Member then) {
    TaskgridClient c =
        TaskgridClient.connect(
            ClientOptions.newBuilder().targets(List.of(first.target(), then.target())).build());
    resources.add(c);
    return c;
  }

  private static int queued(Member m) {
    return m.coordinator().runtime().scheduler().queued(Pool.IO).toCompletableFuture().join();
  }

  /** The cluster's record of who holds the type's permits. */
  private static PermitLedger ledger(Member m) {
    return PermitLedger.decode(
        m.hazelcast()
            .<String, byte[]>getMap(HazelcastTypePermits.PERMITS_MAP)
            .get(GatedHandler.TYPE.name()));
  }
}

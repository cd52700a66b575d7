package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adoption and Reconcile on a two-member in-JVM Hazelcast cluster: two coordinators, one worker
 * connected to both. When the coordinator that owns a job closes, the other one adopts its tasks:
 * the tasks the worker is running keep their lease (Reconcile says "running"), the queued ones are
 * scheduled again, and every task ends once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InJvmAdoptionTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void ownerCloses_otherCoordinatorAdopts_runningTasksKeepTheirLeaseAndAllEndOnce()
      throws Exception {
    int[] ports = {InJvmCluster.freePort(), InJvmCluster.freePort()};
    List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    String cluster = "adopt-" + System.nanoTime();
    Coordinator owner = coordinator(cluster, ports[0], members);
    Coordinator adopter = coordinator(cluster, ports[1], members);
    Worker worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(owner.target(), adopter.target()))
                .cpuProcesses(1)
                .ioCapacity(8)
                .build());
    resources.add(worker);
    TaskgridClient client =
        TaskgridClient.connect(
            ClientOptions.newBuilder().targets(List.of(owner.target(), adopter.target())).build());
    resources.add(client);

    // GIVEN a job accepted by the owner: as many tasks running on the worker as it has credits
    // there (at least its share, 4 of 8), the rest queued
    List<TaskFuture<Long>> futures =
        client.map(
            TaskTypes.SLEEP,
            List.of(
                3_000L, 3_000L, 3_000L, 3_000L, 3_000L, 3_000L, 3_000L, 3_000L, 3_000L, 3_000L));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> running(client, futures).size() >= 4);
    Set<String> runningAtClose = running(client, futures);
    assertThat(runningAtClose).hasSizeLessThan(futures.size());

    // WHEN the owner closes (gracefully: it leaves the cluster)
    resources.remove(owner);
    owner.close();

    // THEN every task succeeds once; those the worker ran kept their lease (attempt 1)
    for (TaskFuture<Long> f : futures) {
      assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(3_000L);
      TaskResultInfo seen = f.resultInfo().orElseThrow();
      TaskResultInfo stored = client.getTask(f.taskId()).flatMap(TaskStatus::result).orElseThrow();
      assertThat(stored.attempt()).as("stored attempt of " + f.taskId()).isEqualTo(seen.attempt());
      assertThat(stored.outcome()).isEqualTo("SUCCEEDED");
      if (runningAtClose.contains(f.taskId())) {
        assertThat(seen.attempt()).as("attempt of running " + f.taskId()).isEqualTo(1);
      }
    }
  }

  private Coordinator coordinator(String cluster, int hzPort, List<String> members)
      throws IOException {
    Coordinator c = InJvmCluster.startMember(cluster, hzPort, members);
    resources.add(c);
    return c;
  }

  private static Set<String> running(TaskgridClient client, List<TaskFuture<Long>> futures) {
    return futures.stream()
        .map(TaskFuture::taskId)
        .filter(id -> client.getTask(id).map(TaskStatus::state).orElse(null) == TaskState.RUNNING)
        .collect(Collectors.toSet());
  }
}

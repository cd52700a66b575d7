package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One worker with a single CPU slot shared by two coordinators that both have CPU work. Before
 * coordinators told workers their demand, the slot's credit always went back to the connection the
 * worker opened first, so the other coordinator's tasks waited forever (the chaos test's "kill -9
 * coordinator" hang: the adopter of the dead coordinator's tasks got no CPU slot).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InJvmSharedWorkerTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void oneCpuSlotTwoCoordinators_bothCoordinatorsTasksRun() throws Exception {
    int[] ports = {InJvmCluster.freePort(), InJvmCluster.freePort()};
    List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    String cluster = "shared-" + System.nanoTime();
    List<Coordinator> coordinators =
        List.of(coordinator(cluster, ports[0], members), coordinator(cluster, ports[1], members));
    resources.add(
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(coordinators.get(0).target(), coordinators.get(1).target()))
                .cpuProcesses(1)
                .ioCapacity(8)
                .build()));

    // Each client talks to one coordinator only, so each coordinator owns (schedules) its tasks.
    List<TaskFuture<BigInteger>> futures = new ArrayList<>();
    for (Coordinator c : coordinators) {
      TaskgridClient client =
          TaskgridClient.connect(ClientOptions.newBuilder().targets(List.of(c.target())).build());
      resources.add(client);
      for (long n = 1_000; n < 1_004; n++) {
        futures.add(client.submit(TaskTypes.SUM_SQUARES, n));
      }
    }

    for (int i = 0; i < futures.size(); i++) {
      long n = 1_000 + i % 4;
      BigInteger expected = BigInteger.valueOf((n - 1) * n * (2 * n - 1) / 6);
      assertThat(futures.get(i).get(60, TimeUnit.SECONDS))
          .as("sum_squares(%d) submitted to coordinator %d", n, i / 4)
          .isEqualTo(expected);
    }
  }

  private Coordinator coordinator(String cluster, int hzPort, List<String> members)
      throws IOException {
    Coordinator c = InJvmCluster.startMember(cluster, hzPort, members);
    resources.add(c);
    return c;
  }
}

package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The store loses accepted tasks while a client waits for them: two of three coordinators killed at
 * once (beyond the one backup), then a full-cluster restart. The client still holds every spec and
 * resubmits the lost ones under the same ids, so every task it submitted ends SUCCEEDED; the
 * surviving coordinator counts the lost partitions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LostStoreIT {
  static final int TASKS = 1_000;

  private Path workDir;
  private final int[] hzPorts = new int[3];
  private final int[] grpcPorts = new int[3];
  private final List<String> members = new ArrayList<>();
  private final List<String> targets = new ArrayList<>();
  private final List<TaskgridProcess> coordinators = new ArrayList<>();
  private final List<TaskgridProcess> workers = new ArrayList<>();
  private String cluster;
  private int generation;

  @BeforeAll
  void startCluster() throws Exception {
    workDir = Files.createTempDirectory("taskgrid-lost-store");
    for (int i = 0; i < 3; i++) {
      hzPorts[i] = InJvmCluster.freePort();
      grpcPorts[i] = InJvmCluster.freePort();
      members.add("127.0.0.1:" + hzPorts[i]);
      targets.add("127.0.0.1:" + grpcPorts[i]);
    }
    cluster = "lost-" + ProcessHandle.current().pid();
    for (int i = 0; i < 3; i++) {
      coordinators.add(startCoordinator(i));
    }
    for (TaskgridProcess c : coordinators) {
      c.awaitCoordinator(Duration.ofSeconds(90));
    }
    for (int i = 0; i < 2; i++) {
      workers.add(
          TaskgridProcess.start(
              "worker-" + i,
              workDir,
              "worker",
              "--coordinator",
              String.join(",", targets),
              "--cpu-processes",
              "1",
              "--io-capacity",
              "2000",
              "--heartbeat-ms",
              "500"));
    }
    awaitWorkersEverywhere();
  }

  @AfterAll
  void stopCluster() {
    workers.forEach(TaskgridProcess::close);
    coordinators.forEach(TaskgridProcess::close);
  }

  private TaskgridProcess startCoordinator(int i) throws IOException {
    return TaskgridProcess.startClusterCoordinator(
        workDir,
        "coordinator-" + i + "-" + generation++,
        grpcPorts[i],
        hzPorts[i],
        members,
        cluster,
        "--member-timeout-ms",
        "5000");
  }

  private void awaitWorkersEverywhere() {
    for (int i = 0; i < 3; i++) {
      try (TaskgridClient only =
          TaskgridClient.connect(
              ClientOptions.newBuilder().targets(List.of(targets.get(i))).build())) {
        coordinators
            .get(i)
            .await(Duration.ofSeconds(60), "2 workers connected", () -> only.workers().size() == 2);
      }
    }
  }

  @Test
  @Order(1)
  void killTwoOfThreeCoordinatorsAtOnce_clientWaits_everyTaskSucceeds() throws Exception {
    try (TaskgridClient client =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(targets).build())) {
      List<TaskFuture<Long>> futures = submit(client, "kill2");
      awaitAllAccepted(client, futures);

      // Coordinators 0 (the client's, owner of every task) and 1 die together: the partitions
      // whose owner and backup were on them are gone.
      coordinators.get(0).process().destroyForcibly();
      coordinators.get(1).process().destroyForcibly();

      assertEverySucceeded("kill -9 of 2 of 3 coordinators", futures);
      long lost = partitionsLost(coordinators.get(2));
      System.out.printf("LOST-STORE kill2 partitions-lost-counted=%d%n", lost);
      assertThat(lost).as("lost partitions counted by the survivor").isPositive();
    }
    for (int i = 0; i < 2; i++) {
      coordinators.set(i, startCoordinator(i));
    }
    for (TaskgridProcess c : coordinators) {
      c.awaitCoordinator(Duration.ofSeconds(90));
    }
    awaitWorkersEverywhere();
  }

  @Test
  @Order(2)
  void fullClusterRestart_clientWaits_everyTaskSucceeds() throws Exception {
    try (TaskgridClient client =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(targets).build())) {
      List<TaskFuture<Long>> futures = submit(client, "restart");
      awaitAllAccepted(client, futures);

      for (TaskgridProcess c : coordinators) {
        c.process().destroyForcibly();
      }
      for (TaskgridProcess c : coordinators) {
        c.process().waitFor(30, TimeUnit.SECONDS);
      }
      for (int i = 0; i < 3; i++) {
        coordinators.set(i, startCoordinator(i));
      }

      assertEverySucceeded("full-cluster restart", futures);
    }
  }

  /** Sleeps of 3–6 s: still running or queued when the coordinators die. */
  private static List<TaskFuture<Long>> submit(TaskgridClient client, String prefix) {
    String p = prefix + "-" + System.nanoTime() + "-";
    List<TaskFuture<Long>> futures = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      futures.add(
          client.submit(
              TaskTypes.SLEEP, sleepMillis(i), TaskOptions.newBuilder().id(p + i).build()));
    }
    return futures;
  }

  private static long sleepMillis(int i) {
    return 3_000L + (i * 7L) % 3_000L;
  }

  /** Every task is stored (acked) before the fault: losing it is the store's doing. */
  private void awaitAllAccepted(TaskgridClient client, List<TaskFuture<Long>> futures) {
    TaskFuture<Long> last = futures.get(futures.size() - 1);
    coordinators
        .get(2)
        .await(
            Duration.ofSeconds(60),
            "the last task stored",
            () -> client.getTask(last.taskId()).isPresent());
  }

  private static void assertEverySucceeded(String fault, List<TaskFuture<Long>> futures)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    int succeeded = 0;
    int reRun = 0;
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      TaskFuture<Long> f = futures.get(i);
      try {
        Long v = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (v == sleepMillis(i)) {
          succeeded++;
        } else if (failed.size() < 20) {
          failed.add(f.taskId() + " = " + v);
        }
        if (f.resultInfo().orElseThrow().attempt() > 1) {
          reRun++;
        }
      } catch (ExecutionException | TimeoutException e) {
        if (failed.size() < 20) {
          failed.add(f.taskId() + ": " + e);
        }
      }
    }
    System.out.printf(
        "LOST-STORE %s submitted=%d succeeded=%d attempt>1=%d failed=%d%n",
        fault, futures.size(), succeeded, reRun, futures.size() - succeeded);
    assertThat(failed).as("tasks that did not succeed after " + fault).isEmpty();
    assertThat(succeeded).isEqualTo(futures.size());
  }

  private static long partitionsLost(TaskgridProcess coordinator) throws Exception {
    int port = coordinator.awaitMetricsPort(Duration.ofSeconds(10));
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    for (String line : r.body().split("\n")) {
      if (line.startsWith("taskgrid_store_partitions_lost_total ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return -1;
  }
}

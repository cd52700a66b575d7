package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Across machines, approximated with network namespaces: a coordinator and two workers each in
 * their own namespace with their own 10.x address, joined by a bridge (in a fourth namespace, so
 * the host's firewall never sees the traffic; the test JVM reaches it through one more veth). One
 * worker's link is cut mid-job: its leases expire, the other worker finishes its tasks; the link
 * comes back and the worker rejoins. Needs root and {@code ip netns}; skipped elsewhere.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NetworkNamespaceIT {
  static final long LEASE_MILLIS = 3_000;

  @TempDir Path workDir;

  private final NetnsFixture net = new NetnsFixture();
  private final String tag = net.tag;
  private final String subnet = net.subnet;
  private final List<TaskgridProcess> processes = new ArrayList<>();

  @BeforeEach
  void requireRootAndNetns() {
    String reason = NetnsFixture.unavailableReason();
    if (reason != null) {
      System.out.println("NetworkNamespaceIT skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(TaskgridProcess::close);
    net.close();
  }

  @Test
  void cutWorkerLink_midJob_leasesExpireOtherWorkerFinishesAndWorkerRejoins() throws Exception {
    // GIVEN a coordinator and two workers, each in its own namespace behind one bridge
    String bridgeNs = net.bridge();
    String coordinatorNs = net.namespace("c");
    net.plug(coordinatorNs, "c", subnet + "1");
    String w0Ns = net.namespace("w0");
    String w0Port = net.plug(w0Ns, "w0", subnet + "2");
    String w1Ns = net.namespace("w1");
    net.plug(w1Ns, "w1", subnet + "3");
    // The test JVM's own way in: a veth from the root namespace to the bridge.
    net.plugRoot(subnet + "254");

    Path portFile = workDir.resolve("coordinator.port");
    TaskgridProcess coordinator =
        started(
            TaskgridProcess.startPrefixed(
                List.of("ip", "netns", "exec", coordinatorNs),
                "coordinator",
                workDir,
                "coordinator",
                "--host",
                subnet + "1",
                // A private test network, and this test is about partitions: plaintext without
                // tokens, which a non-loopback address only gets when asked for explicitly.
                "--insecure-allow-plaintext-on-network",
                "--port",
                "0",
                "--hz-port",
                "0",
                "--cluster-name",
                "netns-" + tag,
                "--lease-timeout-ms",
                Long.toString(LEASE_MILLIS),
                "--port-file",
                portFile.toString()));
    coordinator.await(
        Duration.ofSeconds(90),
        "its port file",
        () -> Files.exists(portFile) && Files.size(portFile) > 0);
    String target = subnet + "1:" + Files.readString(portFile, StandardCharsets.US_ASCII).trim();
    String w0 = "nsw0-" + tag;
    String w1 = "nsw1-" + tag;
    TaskgridProcess worker0 = started(startWorker(w0Ns, w0, target));
    started(startWorker(w1Ns, w1, target));

    try (TaskgridClient client = TaskgridClient.connect(target)) {
      coordinator.await(
          Duration.ofSeconds(60), "2 workers connected", () -> workersOrNone(client).size() == 2);

      int tasks = 600;
      List<TaskFuture<Long>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        futures.add(client.submit(TaskTypes.SLEEP, 300L + i % 11));
      }
      coordinator.await(
          Duration.ofSeconds(60),
          "worker 0 running tasks",
          () -> futures.stream().filter(TaskFuture::isDone).count() > 60);

      // WHEN worker 0's link goes down
      run("ip", "netns", "exec", bridgeNs, "ip", "link", "set", w0Port, "down");
      worker0.await(
          Duration.ofSeconds(30),
          "the coordinator declaring worker 0 dead (lease)",
          () ->
              workersOrNone(client).stream()
                  .map(WorkerInfo::workerId)
                  .toList()
                  .equals(List.of(w1)));

      // THEN worker 1 finishes the job, including worker 0's re-queued tasks
      int reExecuted = 0;
      for (int i = 0; i < tasks; i++) {
        TaskFuture<Long> f = futures.get(i);
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(300L + i % 11);
        TaskResultInfo seen = f.resultInfo().orElseThrow();
        assertThat(seen.outcome()).isEqualTo("SUCCEEDED");
        if (seen.attempt() > 1) {
          reExecuted++;
          assertThat(seen.workerId()).as("who finished re-queued " + f.taskId()).isEqualTo(w1);
        }
      }
      assertThat(reExecuted).as("worker 0's tasks re-queued after the lease").isPositive();

      // AND when the link comes back, worker 0 rejoins; its late results were fenced out
      run("ip", "netns", "exec", bridgeNs, "ip", "link", "set", w0Port, "up");
      worker0.await(
          Duration.ofSeconds(45), "worker 0 back", () -> workersOrNone(client).size() == 2);
      for (TaskFuture<Long> f : futures) {
        TaskResultInfo seen = f.resultInfo().orElseThrow();
        TaskResultInfo stored =
            client.getTask(f.taskId()).flatMap(TaskStatus::result).orElseThrow();
        assertThat(stored.attempt())
            .as("stored attempt of " + f.taskId())
            .isEqualTo(seen.attempt());
        assertThat(stored.workerId()).isEqualTo(seen.workerId());
      }
      List<TaskFuture<String>> after = client.map(TaskTypes.ECHO, List.of("a", "b", "c", "d"));
      for (TaskFuture<String> f : after) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isIn("a", "b", "c", "d");
      }
      System.out.printf(
          "NETNS cut worker link: submitted=%d succeeded=%d re-executed=%d lost=0%n",
          tasks, tasks, reExecuted);
    }
  }

  private TaskgridProcess started(TaskgridProcess p) {
    processes.add(p);
    return p;
  }

  private TaskgridProcess startWorker(String ns, String id, String target) throws IOException {
    return TaskgridProcess.startPrefixed(
        List.of("ip", "netns", "exec", ns),
        "worker-" + id,
        workDir,
        "worker",
        "--id",
        id,
        "--coordinator",
        target,
        "--cpu-processes",
        "1",
        "--io-capacity",
        "20",
        "--heartbeat-ms",
        "500");
  }

  private static List<WorkerInfo> workersOrNone(TaskgridClient client) {
    try {
      return client.workers();
    } catch (RuntimeException e) {
      return List.of(); // the coordinator is not serving yet
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    NetnsFixture.run(command);
  }
}

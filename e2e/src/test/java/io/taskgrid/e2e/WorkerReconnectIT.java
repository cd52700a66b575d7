package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator killed with SIGKILL and started again on the same port: its worker (a real process)
 * is back within a second or two of the new coordinator serving, and logs each failed attempt in
 * one line, without a stack trace.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WorkerReconnectIT {
  /**
   * The worker's reconnect backoff is capped at 2 s; the rest is slack for a loaded machine (it
   * took 2.8 s once, and more than 3 s once, on a busy 2-core box). The bound still tells the cap
   * from its absence: after six failed attempts the channel's own exponential backoff (1 s × 1.6ⁿ)
   * would wait about 17 s before the next one.
   */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(6);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path workDir;

  @Test
  void coordinatorKilledAndRestartedOnSamePort_workerBackWithinSeconds() throws Exception {
    int port = freePort();
    String target = "127.0.0.1:" + port;
    TaskgridProcess first = startCoordinator("coordinator-1", port);
    try (TaskgridProcess worker =
        TaskgridProcess.start(
            "worker", workDir, "worker", "--coordinator", target, "--cpu-processes", "1")) {
      int metricsPort = worker.awaitMetricsPort(Duration.ofSeconds(60));
      worker.await(
          Duration.ofSeconds(60), "connected", () -> metric(metricsPort, connected(target)) == 1);

      // The coordinator dies as in a crash, and stays down for six failed attempts (about 5 s
      // of backoff: the channel's own backoff alone would by then wait several seconds more).
      first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      first.close();
      worker.await(
          Duration.ofSeconds(30),
          "disconnected",
          () -> metric(metricsPort, connected(target)) == 0);
      double before = metric(metricsPort, reconnects(target));
      worker.await(
          Duration.ofSeconds(60),
          "six failed reconnect attempts",
          () -> metric(metricsPort, reconnects(target)) >= before + 6);

      try (TaskgridProcess second = startCoordinator("coordinator-2", port);
          TaskgridClient client = TaskgridClient.connect(target)) {
        long serving = System.nanoTime();
        worker.await(
            BACK_WITHIN, "connected again", () -> metric(metricsPort, connected(target)) == 1);
        long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - serving);
        System.out.println("worker back " + backMillis + " ms after the coordinator served again");

        assertThat(client.submit(TaskTypes.ECHO, "after restart").get(60, TimeUnit.SECONDS))
            .isEqualTo("after restart");
      }
      String log = Files.readString(workDir.resolve("worker.log"), StandardCharsets.UTF_8);
      assertThat(log).doesNotContain("\tat ");
      assertThat(Pattern.compile("connected to " + Pattern.quote(target)).matcher(log).results())
          .as("'connected' logged once per answered stream\n%s", log)
          .hasSize(2);
      assertThat(log).contains("cannot reach " + target + " (UNAVAILABLE");
    }
  }

  /** A coordinator on {@code port}, returned once it serves (it writes its port file then). */
  private TaskgridProcess startCoordinator(String name, int port) throws IOException {
    Path portFile = workDir.resolve(name + ".port");
    TaskgridProcess c =
        TaskgridProcess.start(
            name,
            workDir,
            "coordinator",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--hz-port",
            "0",
            "--cluster-name",
            "e2e-reconnect-" + ProcessHandle.current().pid() + "-" + name,
            "--port-file",
            portFile.toString());
    c.await(
        Duration.ofSeconds(90),
        "its port file",
        () -> Files.exists(portFile) && Files.size(portFile) > 0);
    return c;
  }

  private static String connected(String target) {
    return "taskgrid_worker_coordinator_connected{coordinator=\"" + target + "\",}";
  }

  private static String reconnects(String target) {
    return "taskgrid_worker_coordinator_reconnects_total{coordinator=\"" + target + "\",}";
  }

  /** One sample of the worker's /metrics, or -1 if absent. */
  private static double metric(int metricsPort, String series) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static int freePort() throws IOException {
    return InJvmCluster.freePort();
  }
}

package io.taskgrid.e2e;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped monitoring files against a real Prometheus: a coordinator and a worker (real
 * processes) serve /metrics, Prometheus scrapes them every second while mixed load runs (with
 * failures and a CPU child killed), and then every query of the Grafana dashboard and every alert
 * expression must return data. {@code promtool} checks and unit-tests the rules.
 *
 * <p>Needs {@code prometheus} and {@code promtool} on the PATH ({@code .ci/run} installs Debian's
 * {@code prometheus} package).
 */
@Tag(E2eMachine.SHARES_THE_MACHINE)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PrometheusIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path workDir;

  @Test
  void dashboardAndAlerts_againstRealPrometheus_everyQueryReturnsData() throws Exception {
    Path prometheusBin = onPath("prometheus");
    Path promtool = onPath("promtool");
    Path deploy = Paths.get(System.getProperty("taskgrid.deploy.dir", "../deploy"));
    Path alerts = deploy.resolve("prometheus/alerts.yml");
    List<String> alertExprs = alertExpressions(alerts);
    List<String> panelExprs =
        dashboardExpressions(deploy.resolve("grafana/taskgrid-dashboard.json"));
    assertThat(alertExprs).hasSizeGreaterThanOrEqualTo(5);
    assertThat(panelExprs).hasSizeGreaterThanOrEqualTo(8);

    // promtool: the rules are valid and their unit tests pass
    assertThat(run(promtool, "check", "rules", alerts.toString())).isEqualTo(0);
    assertThat(
            run(promtool, "test", "rules", deploy.resolve("prometheus/alerts_test.yml").toString()))
        .isEqualTo(0);
    assertThat(
            run(
                promtool,
                "check",
                "config",
                deploy.resolve("prometheus/prometheus.yml").toString()))
        .isEqualTo(0);

    // A coordinator address nobody serves: the worker's second stream never connects, as for a
    // worker pointed at the wrong host (issue 14), while its first stream runs the load.
    String nowhere = "127.0.0.1:" + InJvmCluster.freePort();
    try (TaskgridProcess coordinator = TaskgridProcess.startCoordinator(workDir);
        TaskgridProcess worker =
            TaskgridProcess.start(
                "worker",
                workDir,
                "worker",
                "--coordinator",
                coordinator.target() + "," + nowhere,
                "--cpu-processes",
                "1");
        TaskgridClient client = TaskgridClient.connect(coordinator.target())) {
      int coordinatorMetrics = coordinator.awaitMetricsPort(Duration.ofSeconds(30));
      int workerMetrics = worker.awaitMetricsPort(Duration.ofSeconds(60));

      // GIVEN Prometheus scraping both every second, with the shipped alert rules loaded
      int webPort = InJvmCluster.freePort();
      Path config = workDir.resolve("prometheus.yml");
      // The shipped rules, with every "for:" cut to 1 s and the oldest-task threshold to 2 s,
      // so that each alert can fire within the test (promtool tests the shipped durations).
      Files.writeString(workDir.resolve("alerts.yml"), quickRules(Files.readString(alerts)));
      Files.writeString(
          config,
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "  evaluation_interval: 1s",
              "rule_files: [alerts.yml]",
              "scrape_configs:",
              "  - job_name: taskgrid-coordinator",
              "    static_configs: [{targets: ['127.0.0.1:" + coordinatorMetrics + "']}]",
              "  - job_name: taskgrid-worker",
              "    static_configs: [{targets: ['127.0.0.1:" + workerMetrics + "']}]",
              ""));
      Process prometheus =
          new ProcessBuilder(
                  prometheusBin.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + workDir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + webPort)
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("prometheus.log").toFile())
              .start();
      try {
        String api = "http://127.0.0.1:" + webPort;
        awaitQuery(api, prometheus, "up{job=\"taskgrid-worker\"} == 1");
        awaitQuery(api, prometheus, "up{job=\"taskgrid-coordinator\"} == 1");

        // WHEN mixed load runs: I/O and CPU successes, failures, and a CPU child killed mid-task
        List<TaskFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          all.add(client.submit(TaskTypes.ECHO, "e" + i));
        }
        for (int i = 0; i < 20; i++) {
          all.add(client.submit(TaskTypes.SLEEP, 200L));
          all.add(client.submit(TaskTypes.FAIL, "boom" + i));
        }
        for (int i = 0; i < 3; i++) {
          all.add(client.submit(TaskTypes.SUM_SQUARES, 100_000L));
        }
        TaskFuture<Long> spin = client.submit(TaskTypes.SPIN, 2_000L);
        worker.await(
            Duration.ofSeconds(60),
            "the spin task running",
            () ->
                client.getTask(spin.taskId()).map(TaskStatus::state).orElse(null)
                    == TaskState.RUNNING);
        List<ProcessHandle> children = worker.children();
        assertThat(children).as("CPU children").hasSize(1);
        assertThat(children.get(0).destroyForcibly()).isTrue();
        assertThat(spin.get(90, TimeUnit.SECONDS)).isEqualTo(2_000L);
        for (TaskFuture<?> f : all) {
          f.handle((v, e) -> null).get(90, TimeUnit.SECONDS);
        }

        // THEN Prometheus has scraped the outcome of that load ...
        awaitQuery(
            api, prometheus, "taskgrid_worker_cpu_child_restarts_total{reason=\"crashed\"} > 0");
        awaitQuery(api, prometheus, "taskgrid_tasks_completed_total{outcome=\"failed\"} >= 20");
        awaitQuery(api, prometheus, "taskgrid_tasks_completed_total{outcome=\"succeeded\"} >= 200");
        awaitQuery(api, prometheus, "taskgrid_tasks_retried_total > 0");
        awaitQuery(api, prometheus, "taskgrid_cluster_members == 1");
        awaitQuery(api, prometheus, "taskgrid_workers_connected == 1");
        awaitQuery(api, prometheus, "taskgrid_build_info == 1");
        // ... by task type: each announced type has its own series
        awaitQuery(
            api,
            prometheus,
            "taskgrid_tasks_completed_total{type=\"echo\",outcome=\"succeeded\"} >= 200");
        awaitQuery(
            api,
            prometheus,
            "taskgrid_tasks_completed_total{type=\"fail\",outcome=\"failed\"} >= 20");
        awaitQuery(
            api,
            prometheus,
            "sum by (type) (rate(taskgrid_tasks_completed_total{type=\"echo\"}[1m])) > 0");
        awaitQuery(api, prometheus, "taskgrid_tasks_retried_total{reason=\"worker_lost\"} > 0");

        // ... every dashboard panel query returns data ...
        for (String expr : panelExprs) {
          awaitQuery(api, prometheus, expr);
        }
        // ... and every alert expression yields series (its comparison turned into "bool", so
        // that a healthy cluster, where no alert fires, still shows the expression works)
        for (String expr : alertExprs) {
          awaitQuery(api, prometheus, withBoolComparison(expr));
        }
        // The rules loaded into the server are the shipped ones, and all are healthy.
        Awaitility.await("every alert rule evaluated with health ok")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(500, MILLISECONDS)
            .untilAsserted(
                () -> {
                  List<String> health = new ArrayList<>();
                  get(api + "/api/v1/rules")
                      .path("data")
                      .path("groups")
                      .forEach(
                          g -> g.path("rules").forEach(r -> health.add(r.path("health").asText())));
                  assertThat(health).hasSize(alertExprs.size()).containsOnly("ok");
                });

        // AND the worker's stream to the address nobody serves fires TaskgridWorkerDisconnected
        long alertsFrom = System.nanoTime();
        awaitAlertFiring(api, "TaskgridWorkerDisconnected", "coordinator", nowhere);

        // WHEN the only worker offering "echo" stops and echo tasks are submitted: the type is
        // remembered, so they are accepted and wait, with no worker that can take them
        worker.close();
        awaitQuery(api, prometheus, "taskgrid_workers_connected == 0");
        List<TaskFuture<String>> stuck = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          stuck.add(client.submit(TaskTypes.ECHO, "stuck" + i));
        }
        // THEN the stuck-queue alert fires for that type, and the oldest-task alert for the pool
        awaitAlertFiring(api, "TaskgridTasksWaitingWithoutWorker", "type", "echo");
        awaitAlertFiring(api, "TaskgridOldestQueuedTaskOld", "pool", "io");
        assertThat(stuck).noneMatch(java.util.concurrent.Future::isDone);
        System.out.printf(
            "PrometheusIT: the three stuck-cluster alerts fired within %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - alertsFrom));
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  /** The rules with every {@code for:} at 1 s and the oldest-queued threshold at 2 s. */
  static String quickRules(String rules) {
    String quick = rules.replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s");
    String oldest = "max by (pool) (taskgrid_oldest_queued_task_age_seconds) > ";
    assertThat(quick).as("the oldest-queued alert's expression").contains(oldest);
    return quick.replaceAll(java.util.regex.Pattern.quote(oldest) + "\\d+", oldest + "2");
  }

  /** Waits until Prometheus reports the alert firing with the given label value. */
  private static void awaitAlertFiring(String api, String alert, String label, String value) {
    Awaitility.await(alert + " firing with " + label + "=" + value)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(500, MILLISECONDS)
        .ignoreExceptionsMatching(e -> e instanceof IOException)
        .until(
            () -> {
              for (JsonNode a : get(api + "/api/v1/alerts").path("data").path("alerts")) {
                if (a.path("labels").path("alertname").asText().equals(alert)
                    && a.path("labels").path(label).asText().equals(value)
                    && a.path("state").asText().equals("firing")) {
                  return true;
                }
              }
              return false;
            });
  }

  /** A program on the PATH, or a failure that says how to install it. */
  private static Path onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Paths.get(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(
        program
            + " is not on the PATH. This test runs the real Prometheus: install it with"
            + " `sudo apt-get install -y prometheus` (Debian/Ubuntu; provides prometheus and"
            + " promtool), or put both binaries on the PATH. .ci/run installs it.");
  }

  private static List<String> alertExpressions(Path alerts) throws IOException {
    List<String> out = new ArrayList<>();
    new YAMLMapper()
        .readTree(alerts.toFile())
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> out.add(r.path("expr").asText())));
    return out;
  }

  private static List<String> dashboardExpressions(Path dashboard) throws IOException {
    List<String> out = new ArrayList<>();
    JSON.readTree(dashboard.toFile())
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
    return out;
  }

  /**
   * Adds the {@code bool} modifier to the expression's top-level comparison: {@code a > 3} becomes
   * {@code a > bool 3}, which returns 0 or 1 for every series instead of filtering them out.
   */
  static String withBoolComparison(String expr) {
    int depth = 0;
    boolean quoted = false;
    int at = -1;
    int len = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (quoted) {
        continue;
      }
      if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        depth--;
      } else if (depth == 0) {
        String two = i + 1 < expr.length() ? expr.substring(i, i + 2) : "";
        if (List.of("==", "!=", ">=", "<=").contains(two)) {
          at = i;
          len = 2;
          i++;
        } else if (c == '>' || c == '<') {
          at = i;
          len = 1;
        }
      }
    }
    assertThat(at).as("a top-level comparison in: %s", expr).isNotNegative();
    return expr.substring(0, at + len) + " bool" + expr.substring(at + len);
  }

  /** Waits until an instant query returns at least one series. */
  private static void awaitQuery(String api, Process prometheus, String expr) {
    Awaitility.await("Prometheus query returns data: " + expr)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(500, MILLISECONDS)
        .ignoreExceptionsMatching(e -> e instanceof IOException)
        .until(
            () -> {
              assertThat(prometheus.isAlive()).as("prometheus running").isTrue();
              JsonNode r =
                  get(
                      api
                          + "/api/v1/query?query="
                          + URLEncoder.encode(expr, StandardCharsets.UTF_8));
              assertThat(r.path("status").asText())
                  .as("status of %s: %s", expr, r)
                  .isEqualTo("success");
              return r.path("data").path("result").size() > 0;
            });
  }

  private static JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private int run(Path program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.addAll(List.of(args));
    Path log = workDir.resolve(program.getFileName() + "-" + System.nanoTime() + ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    if (p.exitValue() != 0) {
      System.err.println(command + " failed:\n" + Files.readString(log));
    }
    return p.exitValue();
  }
}

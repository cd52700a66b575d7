package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.taskgrid.client.JobStatus;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The container image for real (issue 19): {@code deploy/container/build-image.sh} builds it from
 * Debian packages (mmdebstrap + podman, no registry), then containers of it run under podman with
 * runc: a coordinator and a worker on a podman network serve the demo's workloads to an SDK client
 * on the host, and {@code deploy/compose} (3 coordinators, 2 workers, Prometheus) runs a job under
 * podman-compose while Prometheus scrapes every target. Every container must stop with exit code 0.
 *
 * <p>Skipped (with the reason) without podman, runc, mmdebstrap (and podman-compose for the compose
 * test) or without root; {@code .ci/run} installs Debian's packages. The base rootfs is cached
 * under deploy/target/container, so only the first run (or one after {@code mvn clean}) runs
 * mmdebstrap.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ContainerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
  private static final String PACKAGES =
      "apt-get install podman runc mmdebstrap podman-compose uidmap";

  private static Path deploy;
  private static Path logDir;
  private static String image;

  /** Unique per test JVM: container, network and compose project names. */
  private static final String RUN = "tgit" + ProcessHandle.current().pid();

  @BeforeAll
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // a cold build downloads ~80 MB of packages
  static void buildImage() throws Exception {
    List<String> missing =
        Stream.of("podman", "runc", "mmdebstrap").filter(t -> onPath(t).isEmpty()).toList();
    assumeTrue(
        missing.isEmpty(),
        "ContainerIT skipped: " + missing + " not on the PATH (Debian: " + PACKAGES + ")");
    assumeTrue(
        "0".equals(run(Duration.ofSeconds(10), "id", "-u").out().strip()),
        "ContainerIT skipped: building the image (mmdebstrap, podman import) needs root");
    deploy = Paths.get(System.getProperty("taskgrid.deploy.dir", "../deploy")).toAbsolutePath();
    logDir = Paths.get("target", "container-it").toAbsolutePath();
    Files.createDirectories(logDir);
    long start = System.nanoTime();
    Result build =
        run(
            Duration.ofMinutes(19),
            deploy.resolve("container/build-image.sh").toString(),
            "--no-maven",
            "--with-prometheus");
    Files.writeString(logDir.resolve("build-image.log"), build.out());
    assertThat(build.code()).as("build-image.sh:\n%s", tail(build.out())).isZero();
    Matcher name =
        Pattern.compile("build-image.sh: (\\S+) \\((\\d+) bytes\\)").matcher(build.out());
    assertThat(name.find()).as("build-image.sh names the image:\n%s", build.out()).isTrue();
    image = name.group(1);
    System.out.printf(
        "ContainerIT: image %s (%s bytes) built in %d s%n",
        image, name.group(2), Duration.ofNanos(System.nanoTime() - start).toSeconds());
    assertThat(deploy.resolve("target/container/taskgrid-image.tar")).isNotEmptyFile();
  }

  @Test
  void coordinatorAndWorkerContainers_runTheDemoWorkloadsFromTheHost_andStopWithExitZero()
      throws Exception {
    String network = RUN + "-net";
    String coordinator = RUN + "-coordinator";
    String worker = RUN + "-worker";
    try {
      podman("network", "create", network);
      podman(
          "run",
          "-d",
          "--name",
          coordinator,
          "--network",
          network,
          "--memory",
          "2g",
          "-p",
          "127.0.0.1::7070",
          image,
          "coordinator",
          "--host",
          "0.0.0.0",
          "--insecure-allow-plaintext-on-network",
          "--metrics-host",
          "0.0.0.0");
      podman(
          "run",
          "-d",
          "--name",
          worker,
          "--network",
          network,
          "--memory",
          "2g",
          image,
          "worker",
          "--coordinator",
          coordinator + ":7070",
          "--cpu-processes",
          "2",
          "--metrics-host",
          "0.0.0.0");
      String published = podman("port", coordinator, "7070").strip();
      String target = "127.0.0.1:" + published.substring(published.lastIndexOf(':') + 1);

      try (TaskgridClient client = connect(Duration.ofSeconds(90), target, coordinator)) {
        awaitWorkers(client, 1, coordinator, worker);

        // The demo's CPU job: sum_squares, checked against the closed form.
        List<Long> inputs = new ArrayList<>();
        for (long x = 0; x < 20; x++) {
          inputs.add(2_000_000L + x);
        }
        List<TaskFuture<BigInteger>> sums = client.map(TaskTypes.SUM_SQUARES, inputs);
        // The demo's sleeps (I/O pool, all in flight at once), an echo and a failure.
        List<Long> naps = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          naps.add(100L + i % 7);
        }
        List<TaskFuture<Long>> sleeps = client.map(TaskTypes.SLEEP, naps);
        TaskFuture<String> echo = client.submit(TaskTypes.ECHO, "from the host");
        TaskFuture<String> fail = client.submit(TaskTypes.FAIL, "on purpose");

        for (int i = 0; i < inputs.size(); i++) {
          assertThat(sums.get(i).get(2, TimeUnit.MINUTES)).isEqualTo(sumSquares(inputs.get(i)));
        }
        for (int i = 0; i < naps.size(); i++) {
          assertThat(sleeps.get(i).get(2, TimeUnit.MINUTES)).isEqualTo(naps.get(i));
        }
        assertThat(echo.get(1, TimeUnit.MINUTES)).isEqualTo("from the host");
        assertThatThrownBy(() -> fail.get(1, TimeUnit.MINUTES))
            .isInstanceOf(ExecutionException.class)
            .hasStackTraceContaining("on purpose");
      }

      // Non-root, tini as PID 1, the image's health check passes for both roles.
      assertThat(podman("exec", coordinator, "id", "-u").strip()).isEqualTo("65532");
      assertThat(podman("exec", worker, "cat", "/proc/1/comm").strip()).isEqualTo("tini");
      assertThat(run(COMMAND_TIMEOUT, "podman", "healthcheck", "run", coordinator).code())
          .as("coordinator health check")
          .isZero();
      assertThat(run(COMMAND_TIMEOUT, "podman", "healthcheck", "run", worker).code())
          .as("worker health check")
          .isZero();

      // SIGTERM: the worker drains, then the coordinator stops; both exit 0.
      podman("stop", "-t", "60", worker);
      podman("stop", "-t", "60", coordinator);
      assertThat(exitCode(worker)).as("worker exit code; logs:\n%s", logs(worker)).isZero();
      assertThat(exitCode(coordinator))
          .as("coordinator exit code; logs:\n%s", logs(coordinator))
          .isZero();
      assertThat(logs(coordinator)).contains("taskgrid: shutting down");
    } finally {
      saveLogs(coordinator, worker);
      run(COMMAND_TIMEOUT, "podman", "rm", "-f", "-t", "0", coordinator, worker);
      run(COMMAND_TIMEOUT, "podman", "network", "rm", "-f", network);
    }
  }

  @Test
  void heapFollowsTheContainersMemoryLimit() throws Exception {
    // The launcher turns the image's TASKGRID_HEAP=70% into -XX:MaxRAMPercentage=70 (the JVM
    // rounds the heap up to its alignment).
    String flags =
        podman(
            "run",
            "--rm",
            "--memory",
            "512m",
            "-e",
            "TASKGRID_JAVA_OPTS=-XX:+PrintFlagsFinal",
            image,
            "--version");
    Matcher heap = Pattern.compile("MaxHeapSize\\s*=\\s*(\\d+)").matcher(flags);
    assertThat(heap.find()).as(flags).isTrue();
    long limit = 512L << 20;
    assertThat(Long.parseLong(heap.group(1))).isBetween(limit * 65 / 100, limit * 72 / 100);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void composeCluster_runsAJob_prometheusScrapesEveryTarget_andStopsWithExitZero()
      throws Exception {
    assumeTrue(
        onPath("podman-compose").isPresent(),
        "compose test skipped: podman-compose not on the PATH (Debian: " + PACKAGES + ")");
    Path compose = deploy.resolve("compose/compose.yaml");
    // Host ports of this run: free ones, so that a cluster already on 7070/9090 does not matter.
    Map<String, String> env = new HashMap<>();
    env.put("PROMETHEUS_IMAGE", "localhost/taskgrid-prometheus:debian");
    env.put("COORDINATOR_1_GRPC_PORT", String.valueOf(InJvmCluster.freePort()));
    env.put("COORDINATOR_2_GRPC_PORT", String.valueOf(InJvmCluster.freePort()));
    env.put("COORDINATOR_3_GRPC_PORT", String.valueOf(InJvmCluster.freePort()));
    env.put("COORDINATOR_1_METRICS_PORT", String.valueOf(InJvmCluster.freePort()));
    env.put("PROMETHEUS_PORT", String.valueOf(InJvmCluster.freePort()));
    List<String> base = List.of("podman-compose", "-p", RUN, "-f", compose.toString());
    List<String> services =
        List.of(
            "coordinator-1",
            "coordinator-2",
            "coordinator-3",
            "worker-1",
            "worker-2",
            "prometheus");
    List<String> containers = new ArrayList<>();
    try {
      Result up = run(COMMAND_TIMEOUT, env, concat(base, List.of("up", "-d"), services));
      Files.writeString(logDir.resolve("compose-up.log"), up.out());
      assertThat(up.code()).as("podman-compose up:\n%s", tail(up.out())).isZero();
      containers.addAll(
          podman(
                  "ps",
                  "-a",
                  "--filter",
                  "label=io.podman.compose.project=" + RUN,
                  "--format",
                  "{{.Names}}")
              .lines()
              .toList());
      assertThat(containers).hasSize(services.size());

      String target = "127.0.0.1:" + env.get("COORDINATOR_1_GRPC_PORT");
      String jobId = RUN + "-job";
      // Serving once the coordinators form a majority: three JVMs and a Hazelcast join at once
      // took over 90 s at a load average of 55 on 2 cores.
      try (TaskgridClient client =
          connect(Duration.ofSeconds(200), target, containers.toArray(String[]::new))) {
        awaitWorkers(client, 2, containers.toArray(String[]::new));
        List<Long> inputs = new ArrayList<>();
        for (long x = 0; x < 40; x++) {
          inputs.add(1_000_000L + x);
        }
        List<TaskFuture<BigInteger>> sums =
            client.map(
                TaskTypes.SUM_SQUARES, inputs, TaskOptions.newBuilder().jobId(jobId).build());
        for (int i = 0; i < inputs.size(); i++) {
          assertThat(sums.get(i).get(2, TimeUnit.MINUTES)).isEqualTo(sumSquares(inputs.get(i)));
        }
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  JobStatus job = client.getJob(jobId).orElseThrow();
                  assertThat(job.completed()).containsEntry("SUCCEEDED", (long) inputs.size());
                });
      }

      // Every scrape target of deploy/compose/prometheus.yml is up (3 coordinators, 2 workers).
      URI targets =
          URI.create("http://127.0.0.1:" + env.get("PROMETHEUS_PORT") + "/api/v1/targets");
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                JsonNode active = JSON.readTree(get(targets)).path("data").path("activeTargets");
                List<String> healthy = new ArrayList<>();
                active.forEach(
                    t -> {
                      if (t.path("health").asText().equals("up")) {
                        healthy.add(t.path("labels").path("instance").asText());
                      }
                    });
                assertThat(healthy)
                    .containsExactlyInAnyOrder(
                        "coordinator-1:9400",
                        "coordinator-2:9400",
                        "coordinator-3:9400",
                        "worker-1:9401",
                        "worker-2:9401");
              });

      // SIGTERM, service by service; every container exits 0. podman-compose 1.0.3 ignores
      // stop_grace_period (it waits 10 s, then kills): -t gives the coordinators' 60 s and more.
      Result stop = run(COMMAND_TIMEOUT, env, concat(base, List.of("stop", "-t", "90"), List.of()));
      assertThat(stop.code()).as("podman-compose stop:\n%s", tail(stop.out())).isZero();
      for (String container : containers) {
        assertThat(exitCode(container))
            .as("%s exit code; logs:\n%s", container, logs(container))
            .isZero();
      }
    } finally {
      saveLogs(containers.toArray(String[]::new));
      run(COMMAND_TIMEOUT, env, concat(base, List.of("down", "-t", "0"), List.of()));
      // podman-compose 1.0.3's down leaves the project's network behind.
      run(COMMAND_TIMEOUT, "podman", "network", "rm", "-f", RUN + "_taskgrid");
    }
  }

  /** The exact sum of {@code i*i} for {@code 0 <= i < n}: (n-1) n (2n-1) / 6. */
  private static BigInteger sumSquares(long n) {
    BigInteger big = BigInteger.valueOf(n);
    return big.subtract(BigInteger.ONE)
        .multiply(big)
        .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
        .divide(BigInteger.valueOf(6));
  }

  /**
   * Connects once the coordinator in a container answers SERVING on grpc.health.v1 (its JVM starts
   * after the container does).
   */
  private static TaskgridClient connect(Duration atMost, String target, String... containers) {
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      Awaitility.await("grpc.health.v1 SERVING on " + target + "; logs in " + logDir)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(500))
          .conditionEvaluationListener(
              c -> {
                if (c.getRemainingTimeInMS() <= 0) {
                  saveLogs(containers);
                }
              })
          .until(
              () -> {
                try {
                  return health
                          .withDeadlineAfter(1, TimeUnit.SECONDS)
                          .check(HealthCheckRequest.getDefaultInstance())
                          .getStatus()
                      == ServingStatus.SERVING;
                } catch (StatusRuntimeException e) {
                  return false;
                }
              });
    } finally {
      channel.shutdownNow();
    }
    return TaskgridClient.connect(target);
  }

  private static void awaitWorkers(TaskgridClient client, int count, String... containers) {
    Awaitility.await("workers with CPU and I/O capacity; logs in " + logDir)
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .conditionEvaluationListener(
            c -> {
              if (c.getRemainingTimeInMS() <= 0) {
                saveLogs(containers);
              }
            })
        .until(
            () -> {
              List<WorkerInfo> workers = client.workers();
              return workers.size() == count
                  && workers.stream()
                      .allMatch(w -> w.capacity(TaskPool.CPU) > 0 && w.capacity(TaskPool.IO) > 0);
            });
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static int exitCode(String container) throws Exception {
    return Integer.parseInt(
        podman("inspect", "--format", "{{.State.ExitCode}}", container).strip());
  }

  private static String logs(String container) throws Exception {
    return tail(run(COMMAND_TIMEOUT, "podman", "logs", container).out());
  }

  private static void saveLogs(String... containers) {
    for (String container : containers) {
      try {
        Files.writeString(
            logDir.resolve(container + ".log"),
            run(COMMAND_TIMEOUT, "podman", "logs", container).out());
      } catch (IOException | InterruptedException e) {
        System.err.println("ContainerIT: no logs of " + container + ": " + e);
      }
    }
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Runs {@code podman ARGS} (with the project's containers.conf) and returns its stdout. */
  private static String podman(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    Result result = run(COMMAND_TIMEOUT, Map.of(), command);
    assertThat(result.code()).as("%s:\n%s", command, tail(result.out())).isZero();
    return result.out();
  }

  private record Result(int code, String out) {}

  private static Result run(Duration timeout, String... command)
      throws IOException, InterruptedException {
    return run(timeout, Map.of(), List.of(command));
  }

  /** Runs a command with output (stdout and stderr) to a file; kills it after the timeout. */
  private static Result run(Duration timeout, Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    File out = File.createTempFile("container-it", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out);
      if (deploy != null) {
        builder
            .environment()
            .put("CONTAINERS_CONF", deploy.resolve("container/containers.conf").toString());
      }
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            command
                + " did not end within "
                + timeout
                + ":\n"
                + tail(Files.readString(out.toPath())));
      }
      return new Result(
          process.exitValue(),
          new String(Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
    }
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  private static Optional<Path> onPath(String tool) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : Pattern.compile(Pattern.quote(File.pathSeparator)).split(path)) {
      Path candidate = Paths.get(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    // Debian puts runc in /usr/sbin, which a non-login PATH may lack.
    for (String dir : List.of("/usr/sbin", "/sbin")) {
      Path candidate = Paths.get(dir, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}

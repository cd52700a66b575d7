package io.taskgrid.e2e;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@code taskgrid} command run as a real process from the built distribution ({@code
 * deploy/target/dist/lib}). Its output goes to a log file whose tail is attached to failures; it
 * exits when this JVM's pipe to its stdin closes, so nothing outlives a crashed test run.
 */
final class TaskgridProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private int port;
  private @org.jspecify.annotations.Nullable Path portFile;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Commands that serve a metrics endpoint. */
  private static final List<String> SERVERS = List.of("coordinator", "worker", "local");

  /** The lifecycle log line that says where the metrics endpoint listens. */
  private static final Pattern METRICS_URL =
      Pattern.compile("metrics on http://[^:/\\s]+:(\\d+)/metrics");

  private TaskgridProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code taskgrid <args>} with {@code --exit-on-stdin-close}. */
  static TaskgridProcess start(String name, Path workDir, String... args) throws IOException {
    return startPrefixed(List.of(), name, workDir, args);
  }

  /**
   * Starts {@code <prefix> java ... taskgrid <args>}: the prefix wraps the JVM's command line, for
   * example {@code ip netns exec NS} to run it in a network namespace.
   */
  static TaskgridProcess startPrefixed(
      List<String> prefix, String name, Path workDir, String... args) throws IOException {
    return startWithJvm(prefix, List.of(), name, workDir, args);
  }

  /** The retention budget of the coordinators tests start (see {@link #startWithJvm}). */
  static final long TEST_RETAINED_MAX = 100_000;

  /** Like {@link #start}, with extra JVM options (a later {@code -Xmx} wins over the default). */
  static TaskgridProcess startWithJvm(
      List<String> prefix, List<String> jvmOptions, String name, Path workDir, String... args)
      throws IOException {
    Path lib = Paths.get(System.getProperty("taskgrid.dist.lib", "../deploy/target/dist/lib"));
    if (!Files.isDirectory(lib)) {
      throw new IllegalStateException(
          "distribution not built: " + lib.toAbsolutePath() + " (run mvn verify from the root)");
    }
    List<String> command = new ArrayList<>(prefix);
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
    command.add("-Xmx512m");
    command.add("-XX:+ExitOnOutOfMemoryError"); // as bin/taskgrid
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(lib.toAbsolutePath() + "/*");
    command.add("io.taskgrid.cli.internal.TaskgridCli");
    command.addAll(List.of(args));
    if (args.length > 0 && SERVERS.contains(args[0]) && !List.of(args).contains("--metrics-port")) {
      // Never the standard metrics ports: tests run side by side on one machine.
      command.add("--metrics-port");
      command.add("0");
    }
    command.add("--exit-on-stdin-close");
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // The default retention budget (500,000 results, doubled for backups) needs more than the
    // 512 MiB these processes get, and a coordinator refuses to start on a budget its heap cannot
    // hold: tests keep fewer (a --retained-max flag still wins over this variable).
    builder.environment().putIfAbsent("TASKGRID_RETAINED_MAX", Long.toString(TEST_RETAINED_MAX));
    Process process = builder.start();
    return new TaskgridProcess(name, process, log);
  }

  /** Starts a standalone coordinator on 127.0.0.1 with free ports and waits until it serves. */
  static TaskgridProcess startCoordinator(Path workDir) throws IOException {
    return startCoordinator(workDir, List.of());
  }

  /** Like {@link #startCoordinator(Path)}, with extra JVM options and coordinator flags. */
  static TaskgridProcess startCoordinator(Path workDir, List<String> jvmOptions, String... extra)
      throws IOException {
    Path portFile = workDir.resolve("coordinator.port");
    List<String> args =
        new ArrayList<>(
            List.of(
                "coordinator",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--hz-port",
                "0",
                "--cluster-name",
                "e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
                "--port-file",
                portFile.toString()));
    args.addAll(List.of(extra));
    TaskgridProcess coordinator =
        startWithJvm(List.of(), jvmOptions, "coordinator", workDir, args.toArray(new String[0]));
    coordinator.awaitFile(portFile, Duration.ofSeconds(60));
    coordinator.port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII));
    coordinator.awaitServing(Duration.ofSeconds(30));
    return coordinator;
  }

  /**
   * Starts a coordinator that is one member of a cluster (its Hazelcast member on {@code hzPort},
   * joining {@code members}), without waiting; see {@link #awaitCoordinator}.
   */
  static TaskgridProcess startClusterCoordinator(
      Path workDir,
      String name,
      int hzPort,
      List<String> members,
      String clusterName,
      String... extra)
      throws IOException {
    return startClusterCoordinator(workDir, name, 0, hzPort, members, clusterName, extra);
  }

  /**
   * As {@link #startClusterCoordinator(Path, String, int, List, String, String...)}, serving gRPC
   * on {@code grpcPort} (0: a free port): a coordinator restarted on its old port is found again by
   * the workers and clients that know its address.
   */
  static TaskgridProcess startClusterCoordinator(
      Path workDir,
      String name,
      int grpcPort,
      int hzPort,
      List<String> members,
      String clusterName,
      String... extra)
      throws IOException {
    Path portFile = workDir.resolve(name + ".port");
    Files.deleteIfExists(portFile);
    List<String> args =
        new ArrayList<>(
            List.of(
                "coordinator",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(grpcPort),
                "--hz-port",
                Integer.toString(hzPort),
                "--member",
                String.join(",", members),
                "--cluster-name",
                clusterName,
                "--port-file",
                portFile.toString()));
    args.addAll(List.of(extra));
    TaskgridProcess p = start(name, workDir, args.toArray(new String[0]));
    p.portFile = portFile;
    return p;
  }

  /** Waits until a coordinator started by {@link #startClusterCoordinator} serves. */
  void awaitCoordinator(Duration atMost) throws IOException {
    awaitCoordinator(atMost, InsecureChannelCredentials.create());
  }

  /** As above, asking health over {@code credentials} (a coordinator serving TLS). */
  void awaitCoordinator(Duration atMost, ChannelCredentials credentials) throws IOException {
    Path file = java.util.Objects.requireNonNull(portFile, "not a cluster coordinator");
    await(atMost, "its port file", () -> Files.exists(file) && Files.size(file) > 0);
    port = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
    awaitServing(atMost, credentials);
  }

  /** The whole output of the process so far. */
  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** The name given at start (also the log file's name, without ".log"). */
  String name() {
    return name;
  }

  /** The process id. */
  long pid() {
    return process.pid();
  }

  /** Sends a signal (STOP, CONT, TERM, ...) with kill(1). */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  int port() {
    return port;
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  Process process() {
    return process;
  }

  /** Waits for the lifecycle line that reports the metrics endpoint; returns its port. */
  int awaitMetricsPort(Duration atMost) {
    int[] port = {-1};
    await(
        atMost,
        "its metrics endpoint log line",
        () -> {
          Matcher m = METRICS_URL.matcher(Files.readString(log, StandardCharsets.UTF_8));
          if (m.find()) {
            port[0] = Integer.parseInt(m.group(1));
            return true;
          }
          return false;
        });
    return port[0];
  }

  /** One sample from the /metrics endpoint on {@code port} of 127.0.0.1, or -1 if absent. */
  static double metric(int port, String series) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(r.body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  /** The process's descendants (for a worker: its CPU children). */
  List<ProcessHandle> children() {
    try (Stream<ProcessHandle> children = process.children()) {
      return children.filter(ProcessHandle::isAlive).toList();
    }
  }

  private void awaitFile(Path file, Duration atMost) {
    await(atMost, "its port file", () -> Files.exists(file));
  }

  private void awaitServing(Duration atMost) {
    awaitServing(atMost, InsecureChannelCredentials.create());
  }

  private void awaitServing(Duration atMost, ChannelCredentials credentials) {
    ManagedChannel channel = Grpc.newChannelBuilder(target(), credentials).build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      await(
          atMost,
          "grpc.health.v1 SERVING",
          () -> {
            try {
              return health
                      .withDeadlineAfter(1, SECONDS)
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
  }

  /** Waits for a condition, failing fast (with the log) if the process exits first. */
  void await(Duration atMost, String what, java.util.concurrent.Callable<Boolean> condition) {
    try {
      Awaitility.await(name + ": " + what)
          .atMost(atMost)
          .pollInterval(50, MILLISECONDS)
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      name + " exited with " + process.exitValue() + "\n" + logTail());
                }
                return condition.call();
              });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(e.getMessage() + "\n" + logTail(), e);
    }
  }

  /** The last lines of the process's output, for failure messages. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "--- last lines of "
          + name
          + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Closing stdin is only the polite way; destroy below is the sure one.
    }
    process.destroy();
    try {
      if (!process.waitFor(10, SECONDS)) {
        process.destroyForcibly().waitFor(10, SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

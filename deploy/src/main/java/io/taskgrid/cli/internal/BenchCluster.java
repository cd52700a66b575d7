package io.taskgrid.cli.internal;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A coordinator process, optionally a worker process, and a client in this JVM: what one bench
 * workload runs against. Everything is on 127.0.0.1 with ports picked by the OS.
 */
final class BenchCluster implements AutoCloseable {
  /** I/O slots of the bench worker: workload (c) keeps 100,000 sleeps in flight. */
  static final int IO_CAPACITY = 110_000;

  /** The client may keep the whole 1,000,000-task job of workload (e) pending. */
  static final int CLIENT_IN_FLIGHT = 1_100_000;

  private final Path workDir;
  private final List<String> coordinatorJvm;
  private final BenchProcess coordinator;
  private final String target;
  private final TaskgridClient client;
  private @Nullable BenchProcess worker;

  /** The coordinators other than {@link #coordinator} (of {@link #startCoordinators}). */
  private final List<BenchProcess> others = new ArrayList<>();

  private BenchCluster(
      Path workDir,
      List<String> coordinatorJvm,
      BenchProcess coordinator,
      String target,
      TaskgridClient client) {
    this.workDir = workDir;
    this.coordinatorJvm = coordinatorJvm;
    this.coordinator = coordinator;
    this.target = target;
    this.client = client;
  }

  /** Starts a coordinator (at the JVM's default heap unless the options say otherwise). */
  static BenchCluster startCoordinator(Path workDir, List<String> coordinatorJvm)
      throws IOException {
    return startCoordinator(workDir, coordinatorJvm, List.of());
  }

  /** As above, with more arguments of the {@code coordinator} command. */
  static BenchCluster startCoordinator(
      Path workDir, List<String> coordinatorJvm, List<String> coordinatorArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("--hz-port", "0"));
    args.addAll(coordinatorArgs);
    return startCoordinator(workDir, coordinatorJvm, newClusterName(), args);
  }

  private static String newClusterName() {
    return "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  }

  private static BenchCluster startCoordinator(
      Path workDir, List<String> coordinatorJvm, String clusterName, List<String> moreArgs)
      throws IOException {
    Path portFile = workDir.resolve("coordinator.port");
    Files.deleteIfExists(portFile);
    List<String> args = coordinatorArgs(clusterName, portFile);
    args.addAll(moreArgs);
    BenchProcess coordinator = BenchProcess.start("coordinator", workDir, coordinatorJvm, args);
    try {
      coordinator.await(Duration.ofSeconds(60), "port file", () -> Files.exists(portFile));
      String port = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
      String target = "127.0.0.1:" + port;
      TaskgridClient client =
          TaskgridClient.connect(
              ClientOptions.newBuilder()
                  .target(target)
                  .inFlightLimit(CLIENT_IN_FLIGHT)
                  .defaultTimeout(Duration.ofSeconds(30))
                  .build());
      return new BenchCluster(workDir, coordinatorJvm, coordinator, target, client);
    } catch (RuntimeException | IOException e) {
      coordinator.close();
      throw e;
    }
  }

  /**
   * Starts {@code count} coordinators that form one Hazelcast cluster on 127.0.0.1 (so half of a
   * batch's records are owned by another process and every write waits for a backup in another
   * process); the client and the worker connect to the first.
   */
  static BenchCluster startCoordinators(Path workDir, List<String> coordinatorJvm, int count)
      throws IOException {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      members.add("127.0.0.1:" + freePort());
    }
    String cluster = newClusterName();
    List<BenchProcess> rest = new ArrayList<>();
    try {
      for (int i = 1; i < count; i++) {
        Path dir = Files.createDirectories(workDir.resolve("coordinator-" + i));
        Path portFile = dir.resolve("coordinator.port");
        Files.deleteIfExists(portFile);
        BenchProcess p =
            BenchProcess.start(
                "coordinator-" + i,
                dir,
                coordinatorJvm,
                withAll(coordinatorArgs(cluster, portFile), memberArgs(members, i)));
        rest.add(p);
        p.await(Duration.ofSeconds(60), "port file", () -> Files.exists(portFile));
      }
      BenchCluster first =
          startCoordinator(workDir, coordinatorJvm, cluster, memberArgs(members, 0));
      first.others.addAll(rest);
      return first;
    } catch (RuntimeException | IOException e) {
      rest.forEach(BenchProcess::close);
      throw e;
    }
  }

  /** The arguments every bench coordinator gets. */
  private static List<String> coordinatorArgs(String clusterName, Path portFile) {
    return new ArrayList<>(
        List.of(
            "coordinator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--cluster-name",
            clusterName,
            "--port-file",
            portFile.toString(),
            // Metrics stay on (their cost is part of what is measured), on a free port: the
            // default one may be taken by a cluster already running on this machine.
            "--metrics-port",
            "0"));
  }

  /** The Hazelcast address of member {@code self} of {@code members}, and the others'. */
  private static List<String> memberArgs(List<String> members, int self) {
    String[] hostPort = members.get(self).split(":", 2);
    List<String> others = new ArrayList<>(members);
    others.remove(self);
    return List.of(
        "--hz-host", hostPort[0], "--hz-port", hostPort[1], "--member", String.join(",", others));
  }

  private static List<String> withAll(List<String> args, List<String> more) {
    args.addAll(more);
    return args;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The CPU time of every coordinator process of this cluster. */
  Duration coordinatorsCpuTime() {
    Duration total = coordinator.cpuTime();
    for (BenchProcess p : others) {
      total = total.plus(p.cpuTime());
    }
    return total;
  }

  /** Starts one worker process (2 CPU children, room for 100,000 sleeps) and waits for it. */
  void startWorker() {
    startWorker(List.of());
  }

  /** As above, with these JVM options. */
  void startWorker(List<String> jvmOptions) {
    try {
      worker =
          BenchProcess.start(
              "worker",
              workDir,
              jvmOptions,
              new ArrayList<>(
                  List.of(
                      "worker",
                      "--coordinator",
                      target,
                      "--cpu-processes",
                      "2",
                      "--io-capacity",
                      Integer.toString(IO_CAPACITY),
                      "--metrics-port",
                      "0")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BenchProcess w = worker;
    w.await(Duration.ofSeconds(60), "worker registered", () -> !client.workers().isEmpty());
  }

  TaskgridClient client() {
    return client;
  }

  BenchProcess coordinator() {
    return coordinator;
  }

  /** The worker process, once started. */
  @Nullable BenchProcess worker() {
    return worker;
  }

  List<String> coordinatorJvm() {
    return coordinatorJvm;
  }

  @Override
  public void close() {
    client.close();
    if (worker != null) {
      worker.close();
    }
    coordinator.close();
    others.forEach(BenchProcess::close);
  }
}

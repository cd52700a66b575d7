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
    Path portFile = workDir.resolve("coordinator.port");
    Files.deleteIfExists(portFile);
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
                "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
                "--port-file",
                portFile.toString(),
                // Metrics stay on (their cost is part of what is measured), on a free port: the
                // default one may be taken by a cluster already running on this machine.
                "--metrics-port",
                "0"));
    args.addAll(coordinatorArgs);
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
  }
}

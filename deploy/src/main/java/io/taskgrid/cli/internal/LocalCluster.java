package io.taskgrid.cli.internal;

import io.taskgrid.client.internal.rpc.LocalTokens;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.auth.Credentials;
import io.taskgrid.coordinator.internal.auth.Principal;
import io.taskgrid.coordinator.internal.auth.Role;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A one-node cluster in this JVM: a coordinator on loopback (its Hazelcast member standalone) and a
 * worker connected to it. Used by {@code taskgrid local} and by the demo.
 */
final class LocalCluster implements AutoCloseable {
  /** I/O slots of the local worker: the demo keeps 10,000 sleeps in flight at once. */
  static final int LOCAL_IO_CAPACITY = 20_000;

  private final Coordinator coordinator;
  private final Worker worker;
  private final int cpuProcesses;
  private final Map<String, Integer> typeLimits;
  private final String token;
  private final Path tokenFile;

  private LocalCluster(
      Coordinator coordinator,
      Worker worker,
      int cpuProcesses,
      Map<String, Integer> typeLimits,
      String token,
      Path tokenFile) {
    this.token = token;
    this.tokenFile = tokenFile;
    this.coordinator = coordinator;
    this.worker = worker;
    this.cpuProcesses = cpuProcesses;
    this.typeLimits = Map.copyOf(typeLimits);
  }

  /**
   * How a local cluster runs. {@code hzHost}/{@code hzPort}: the Hazelcast member's address (port
   * 0: the first free from 5701); {@code httpAllow}: what the worker's http.get may reach beyond
   * public addresses (the demo's local web site); {@code childJvmOptions}: the JVM options of the
   * worker's CPU child processes; {@code rememberTypesFor}: how long the coordinator accepts tasks
   * of a type after its last worker left (as {@code coordinator --remember-types-for-s}).
   */
  record Settings(
      int port,
      @Nullable Integer cpuProcesses,
      int metricsPort,
      Map<String, Integer> typeLimits,
      String hzHost,
      int hzPort,
      List<String> httpAllow,
      List<String> childJvmOptions,
      Duration rememberTypesFor) {
    Settings {
      typeLimits = Map.copyOf(typeLimits);
      httpAllow = List.copyOf(httpAllow);
      childJvmOptions = List.copyOf(childJvmOptions);
      Objects.requireNonNull(rememberTypesFor, "rememberTypesFor");
    }

    /** gRPC on {@code port}, no metrics, no limits, Hazelcast on loopback, nothing allowed. */
    static Settings of(int port, @Nullable Integer cpuProcesses) {
      return new Settings(
          port,
          cpuProcesses,
          CoordinatorOptions.METRICS_DISABLED,
          Map.of(),
          "127.0.0.1",
          0,
          List.of(),
          List.of(),
          CoordinatorOptions.DEFAULT_REMEMBER_TYPES_FOR);
    }

    Settings withHttpAllow(List<String> rules) {
      return new Settings(
          port,
          cpuProcesses,
          metricsPort,
          typeLimits,
          hzHost,
          hzPort,
          rules,
          childJvmOptions,
          rememberTypesFor);
    }

    Settings withRememberTypesFor(Duration memory) {
      return new Settings(
          port,
          cpuProcesses,
          metricsPort,
          typeLimits,
          hzHost,
          hzPort,
          httpAllow,
          childJvmOptions,
          memory);
    }
  }

  static LocalCluster start(int port, @Nullable Integer cpuProcesses) throws IOException {
    return start(Settings.of(port, cpuProcesses));
  }

  /**
   * A local cluster whose coordinator serves the metrics of both on {@code metricsPort} (the worker
   * shares the coordinator's registry; -1 serves none) and caps the running tasks of each type in
   * {@code typeLimits}.
   */
  static LocalCluster start(
      int port, @Nullable Integer cpuProcesses, int metricsPort, Map<String, Integer> typeLimits)
      throws IOException {
    return start(
        new Settings(
            port,
            cpuProcesses,
            metricsPort,
            typeLimits,
            "127.0.0.1",
            0,
            List.of(),
            List.of(),
            CoordinatorOptions.DEFAULT_REMEMBER_TYPES_FOR));
  }

  static LocalCluster start(Settings settings) throws IOException {
    // Secure by default with nothing to set up: a random admin token, written to a file only
    // this user can read, where clients and workers on this machine find it (LocalTokens).
    String token = LocalTokens.newToken();
    Credentials credentials =
        Credentials.builder()
            .token(token, new Principal("local", Role.ADMIN, Principal.DEFAULT_TENANT))
            .build();
    Coordinator coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .credentials(credentials)
                .host("127.0.0.1")
                .port(settings.port())
                .clusterName("taskgrid-local-" + ProcessHandle.current().pid())
                .hazelcastHost(settings.hzHost())
                .hazelcastPort(settings.hzPort())
                .metricsPort(settings.metricsPort())
                .typeLimits(settings.typeLimits())
                .rememberTypesFor(settings.rememberTypesFor())
                .build());
    Integer cpuProcesses = settings.cpuProcesses();
    int cpu = cpuProcesses != null ? cpuProcesses : Runtime.getRuntime().availableProcessors();
    try {
      Path tokenFile = LocalTokens.write(System.getenv(), coordinator.port(), token);
      Worker worker =
          Worker.start(
              WorkerOptions.newBuilder()
                  .token(token)
                  .coordinators(List.of(coordinator.target()))
                  .cpuProcesses(cpu)
                  .childJvmOptions(settings.childJvmOptions())
                  .ioCapacity(LOCAL_IO_CAPACITY)
                  .metricsRegistry(coordinator.metricsRegistry())
                  .httpAllow(settings.httpAllow())
                  .build());
      return new LocalCluster(coordinator, worker, cpu, settings.typeLimits(), token, tokenFile);
    } catch (IOException | RuntimeException e) {
      coordinator.close();
      throw e;
    }
  }

  int port() {
    return coordinator.port();
  }

  String target() {
    return coordinator.target();
  }

  /** The admin token of this cluster (also in {@link #tokenFile()}). */
  String token() {
    return token;
  }

  /** Where the admin token was written for the clients on this machine. */
  Path tokenFile() {
    return tokenFile;
  }

  /** The CPU child processes of the local worker. */
  int cpuProcesses() {
    return cpuProcesses;
  }

  String describe() {
    return "taskgrid local cluster: coordinator listening on "
        + coordinator.target()
        + "; worker "
        + worker.id()
        + " with "
        + cpuProcesses
        + " CPU processes and "
        + LOCAL_IO_CAPACITY
        + " I/O slots"
        + (typeLimits.isEmpty() ? "" : "; type limits " + describeLimits())
        + "; admin token in "
        + tokenFile
        + (coordinator.metricsPort() < 0
            ? ""
            : "; metrics on http://127.0.0.1:" + coordinator.metricsPort() + "/metrics");
  }

  /** The limits as given on the command line, sorted by type: {@code http.get=100, sleep=2}. */
  private String describeLimits() {
    return typeLimits.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    // Workers first, so that the coordinator does not re-queue tasks of a worker it outlives.
    worker.close();
    coordinator.close();
    try {
      Files.deleteIfExists(tokenFile);
    } catch (IOException e) {
      // Best effort: the token of a stopped cluster opens nothing.
    }
  }
}

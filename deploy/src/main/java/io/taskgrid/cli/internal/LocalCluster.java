package io.taskgrid.cli.internal;

import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
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

  private LocalCluster(
      Coordinator coordinator, Worker worker, int cpuProcesses, Map<String, Integer> typeLimits) {
    this.coordinator = coordinator;
    this.worker = worker;
    this.cpuProcesses = cpuProcesses;
    this.typeLimits = Map.copyOf(typeLimits);
  }

  static LocalCluster start(int port, @Nullable Integer cpuProcesses) throws IOException {
    return start(port, cpuProcesses, CoordinatorOptions.METRICS_DISABLED, Map.of());
  }

  /**
   * A local cluster whose coordinator serves the metrics of both on {@code metricsPort} (the worker
   * shares the coordinator's registry; -1 serves none) and caps the running tasks of each type in
   * {@code typeLimits}.
   */
  static LocalCluster start(
      int port, @Nullable Integer cpuProcesses, int metricsPort, Map<String, Integer> typeLimits)
      throws IOException {
    return start(port, cpuProcesses, metricsPort, typeLimits, List.of());
  }

  /** As above, with {@code childJvmOptions} for the worker's CPU child processes. */
  static LocalCluster start(
      int port,
      @Nullable Integer cpuProcesses,
      int metricsPort,
      Map<String, Integer> typeLimits,
      List<String> childJvmOptions)
      throws IOException {
    Coordinator coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(port)
                .clusterName("taskgrid-local-" + ProcessHandle.current().pid())
                .hazelcastPort(0)
                .metricsPort(metricsPort)
                .typeLimits(typeLimits)
                .build());
    int cpu = cpuProcesses != null ? cpuProcesses : Runtime.getRuntime().availableProcessors();
    try {
      Worker worker =
          Worker.start(
              WorkerOptions.newBuilder()
                  .coordinators(List.of(coordinator.target()))
                  .cpuProcesses(cpu)
                  .childJvmOptions(childJvmOptions)
                  .ioCapacity(LOCAL_IO_CAPACITY)
                  .metricsRegistry(coordinator.metricsRegistry())
                  .build());
      return new LocalCluster(coordinator, worker, cpu, typeLimits);
    } catch (RuntimeException e) {
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
  }
}

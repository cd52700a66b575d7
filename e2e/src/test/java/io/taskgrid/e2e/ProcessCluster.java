package io.taskgrid.e2e;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three coordinators and two workers as real processes on 127.0.0.1, for the fault ITs
 * (LostStoreIT, PausedCoordinatorIT): each coordinator has fixed gRPC, Hazelcast and metrics ports
 * (a coordinator restarted, by the test or by itself after a rejoin, is found at the same address),
 * and each worker connects to every coordinator.
 */
final class ProcessCluster implements AutoCloseable {
  static final int COORDINATORS = 3;
  static final int WORKERS = 2;

  private final Path workDir;
  private final String clusterName;
  private final List<String> coordinatorFlags;
  private final int[] hzPorts = new int[COORDINATORS];
  private final int[] grpcPorts = new int[COORDINATORS];
  private final int[] metricsPorts = new int[COORDINATORS];
  private final List<String> members = new ArrayList<>();
  private final List<String> targets = new ArrayList<>();
  private final List<TaskgridProcess> coordinators = new ArrayList<>();
  private final List<TaskgridProcess> workers = new ArrayList<>();
  private int generation;

  private ProcessCluster(Path workDir, String clusterName, List<String> coordinatorFlags)
      throws IOException {
    this.workDir = workDir;
    this.clusterName = clusterName;
    this.coordinatorFlags = List.copyOf(coordinatorFlags);
    for (int i = 0; i < COORDINATORS; i++) {
      hzPorts[i] = InJvmCluster.freePort();
      grpcPorts[i] = InJvmCluster.freePort();
      metricsPorts[i] = InJvmCluster.freePort();
      members.add("127.0.0.1:" + hzPorts[i]);
      targets.add("127.0.0.1:" + grpcPorts[i]);
    }
  }

  /**
   * Starts the coordinators (with {@code coordinatorFlags}) and then the workers; returns once
   * every coordinator serves and has both workers.
   */
  static ProcessCluster start(Path workDir, String name, List<String> coordinatorFlags)
      throws IOException {
    ProcessCluster c =
        new ProcessCluster(workDir, name + "-" + ProcessHandle.current().pid(), coordinatorFlags);
    try {
      for (int i = 0; i < COORDINATORS; i++) {
        c.coordinators.add(c.startCoordinator(i));
      }
      // The workers start meanwhile (a JVM start is seconds on a loaded machine): they connect
      // as each coordinator comes up (reconnect backoff capped at 2 s).
      for (int i = 0; i < WORKERS; i++) {
        c.workers.add(
            TaskgridProcess.start(
                "worker-" + i,
                workDir,
                "worker",
                "--coordinator",
                String.join(",", c.targets),
                "--cpu-processes",
                "1",
                "--io-capacity",
                "2000",
                "--heartbeat-ms",
                "500"));
      }
      for (TaskgridProcess p : c.coordinators) {
        p.awaitCoordinator(Duration.ofSeconds(90));
      }
      for (int i = 0; i < COORDINATORS; i++) {
        c.awaitBothWorkers(i, Duration.ofSeconds(60));
      }
      // Members that start together may form two clusters first (they merge within a member
      // timeout): the tests start from one cluster.
      c.coordinators
          .get(0)
          .await(Duration.ofSeconds(60), "one cluster of " + COORDINATORS, c::oneCluster);
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private TaskgridProcess startCoordinator(int i) throws IOException {
    List<String> extra = new ArrayList<>(coordinatorFlags);
    extra.add("--metrics-port");
    extra.add(Integer.toString(metricsPorts[i]));
    return TaskgridProcess.startClusterCoordinator(
        workDir,
        "coordinator-" + i + "-" + generation++,
        grpcPorts[i],
        hzPorts[i],
        members,
        clusterName,
        extra.toArray(new String[0]));
  }

  /** Every coordinator's "host:port", in order (the SDK's session starts on the first). */
  List<String> targets() {
    return targets;
  }

  TaskgridProcess coordinator(int i) {
    return coordinators.get(i);
  }

  List<TaskgridProcess> coordinators() {
    return coordinators;
  }

  /** A client of every coordinator, coordinator 0 first. */
  TaskgridClient client() {
    return TaskgridClient.connect(ClientOptions.newBuilder().targets(targets).build());
  }

  /**
   * Starts coordinator {@code i} again on its ports (after the test killed it) and waits until it
   * serves; returns how long it then took to have both workers back.
   */
  Duration restart(int i) throws IOException {
    TaskgridProcess old = coordinators.get(i);
    if (old.process().isAlive()) {
      throw new IllegalStateException(old.name() + " is still running");
    }
    TaskgridProcess p = startCoordinator(i);
    coordinators.set(i, p);
    p.awaitCoordinator(Duration.ofSeconds(90));
    return awaitBothWorkers(i, Duration.ofSeconds(60));
  }

  /**
   * Starts every coordinator again at once (after the test killed them all); waits until they
   * serve.
   */
  void restartAll() throws IOException {
    for (int i = 0; i < COORDINATORS; i++) {
      if (coordinators.get(i).process().isAlive()) {
        throw new IllegalStateException(coordinators.get(i).name() + " is still running");
      }
      coordinators.set(i, startCoordinator(i));
    }
    for (TaskgridProcess p : coordinators) {
      p.awaitCoordinator(Duration.ofSeconds(90));
    }
  }

  /** Waits until both workers are connected to coordinator {@code i}; returns how long it took. */
  Duration awaitBothWorkers(int i, Duration atMost) {
    long start = System.nanoTime();
    try (TaskgridClient only =
        TaskgridClient.connect(
            ClientOptions.newBuilder().targets(List.of(targets.get(i))).build())) {
      coordinators.get(i).await(atMost, "2 workers connected", () -> workers(only) == WORKERS);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The workers connected, or -1 while the coordinator refuses (fenced off, starting). */
  private static int workers(TaskgridClient only) {
    try {
      return only.workers().size();
    } catch (io.taskgrid.client.TaskException e) {
      return -1;
    }
  }

  /** Whether every coordinator sees all of them as members. */
  private boolean oneCluster() throws InterruptedException {
    for (int i = 0; i < COORDINATORS; i++) {
      if (metricOrAbsent(i, "taskgrid_cluster_members") != COORDINATORS) {
        return false;
      }
    }
    return true;
  }

  /** One sample from coordinator {@code i}'s /metrics (fixed port), or -1 if absent. */
  double metric(int i, String series) throws IOException, InterruptedException {
    return TaskgridProcess.metric(metricsPorts[i], series);
  }

  /** {@link #metric}, or -1 while the endpoint does not answer (a paused or restarting process). */
  double metricOrAbsent(int i, String series) throws InterruptedException {
    try {
      return metric(i, series);
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    for (TaskgridProcess c : coordinators) {
      try {
        c.signal("CONT"); // a paused process does not handle SIGTERM
      } catch (IOException | IllegalStateException e) {
        // Gone already.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Killed, not stopped: no test here checks the stop, and five graceful stops (store flushes,
    // drains, partition migrations) took up to 20 s of each test on a loaded machine.
    workers.forEach(w -> w.process().destroyForcibly());
    coordinators.forEach(c -> c.process().destroyForcibly());
    workers.forEach(TaskgridProcess::close);
    coordinators.forEach(TaskgridProcess::close);
    for (TaskgridProcess c : coordinators) {
      try {
        c.process().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

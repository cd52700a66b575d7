package io.taskgrid.cli.internal;

import io.taskgrid.client.Futures;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The end-to-end workloads of issue 6, each against a coordinator and a worker running as real
 * processes on loopback. Every run re-checks the results, so a fast wrong answer is an error.
 */
final class BenchWorkloads {
  private static final byte[] EMPTY = new byte[0];

  /**
   * Unmeasured rounds of sequential round trips before the timed ones (see {@link #roundTrips}).
   */
  private static final int RTT_WARM_UP_ROUNDS = 5;

  private final Path workDir;
  private final List<String> coordinatorJvm;
  private final BenchSizes sizes;
  private final BenchReport report;

  BenchWorkloads(Path workDir, List<String> coordinatorJvm, BenchSizes sizes, BenchReport report) {
    this.workDir = workDir;
    this.coordinatorJvm = coordinatorJvm;
    this.sizes = sizes;
    this.report = report;
  }

  /** Starts a coordinator and a worker, runs the body, stops both. */
  private void withCluster(ClusterBody body) throws Exception {
    try (BenchCluster cluster = BenchCluster.startCoordinator(workDir, coordinatorJvm)) {
      cluster.startWorker();
      body.run(cluster);
    }
  }

  private interface ClusterBody {
    void run(BenchCluster cluster) throws Exception;
  }

  /** (a) noop tasks submitted at once: throughput and coordinator CPU per task. */
  void noop() throws Exception {
    withCluster(
        cluster -> {
          warmUpCoordinator(cluster);
          for (int r = 0; r < sizes.runs(); r++) {
            noopRound(cluster, sizes.noop(), true);
          }
        });
  }

  /**
   * (a) with two coordinators in one cluster: the client and the worker on the first, so half of
   * the records are owned by the other process and every write waits for a backup in another
   * process. CPU per task is both coordinators'.
   */
  void noopTwoCoordinators() throws Exception {
    try (BenchCluster cluster = BenchCluster.startCoordinators(workDir, coordinatorJvm, 2)) {
      cluster.startWorker();
      warmUpCoordinator(cluster);
      for (int r = 0; r < sizes.runs(); r++) {
        noopRound(cluster, sizes.noop(), true, "a_noop_2coord");
      }
    }
  }

  private void noopRound(BenchCluster cluster, int n, boolean record) {
    noopRound(cluster, n, record, "a_noop");
  }

  private void noopRound(BenchCluster cluster, int n, boolean record, String workload) {
    TaskgridClient client = cluster.client();
    Duration cpu0 = cluster.coordinatorsCpuTime();
    long start = System.nanoTime();
    List<TaskFuture<byte[]>> futures = client.map(TaskTypes.NOOP, Collections.nCopies(n, EMPTY));
    CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new)).join();
    long nanos = System.nanoTime() - start;
    Duration cpu = cluster.coordinatorsCpuTime().minus(cpu0);
    if (record) {
      report.figure(workload, "throughput", "tasks/s", n / (nanos / 1e9));
      report.figure(workload, "coordinator_cpu_per_task", "us", cpu.toNanos() / 1e3 / n);
    }
  }

  /** (b) sequential round trips: submit one noop, wait for its result, repeat. */
  void roundTrips() throws Exception {
    withCluster(
        cluster -> {
          warmUpCoordinator(cluster);
          // The one-at-a-time path compiles slowly, in three JVMs sharing the cores: measured
          // round after round, its p50 and p99 fall until ~50,000 round trips (bench/ANALYSIS.md,
          // thirteenth pass), so the timed rounds start after that many.
          for (int r = 0; r < RTT_WARM_UP_ROUNDS; r++) {
            rttRound(cluster, sizes.rtt(), false);
          }
          for (int r = 0; r < sizes.runs(); r++) {
            rttRound(cluster, sizes.rtt(), true);
          }
        });
  }

  private void rttRound(BenchCluster cluster, int n, boolean record) {
    TaskgridClient client = cluster.client();
    Histogram h = new Histogram(3_600_000_000L, 3);
    long switches0 = cluster.coordinator().voluntaryContextSwitches();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      client.submit(TaskTypes.NOOP, EMPTY).join();
      h.recordValue((System.nanoTime() - t0) / 1000);
    }
    if (record) {
      report.figure("b_rtt", "p50", "us", h.getValueAtPercentile(50));
      report.figure("b_rtt", "p99", "us", h.getValueAtPercentile(99));
      report.figure("b_rtt", "p999", "us", h.getValueAtPercentile(99.9));
      report.figure("b_rtt", "max", "us", h.getMaxValue());
      long switches = cluster.coordinator().voluntaryContextSwitches();
      if (switches0 >= 0 && switches >= 0) {
        report.figure(
            "b_rtt",
            "coordinator_thread_wakeups_per_task",
            "count",
            (switches - switches0) / (double) n);
      }
    }
  }

  /** (c) sleep(1 s) tasks all in flight on one worker: wall time of the whole batch. */
  void sleeps() throws Exception {
    withCluster(
        cluster -> {
          warmUpCoordinator(cluster);
          sleepRound(cluster.client(), sizes.sleepSmall(), "warmup");
          for (int r = 0; r < sizes.runs(); r++) {
            sleepRound(
                cluster.client(), sizes.sleepSmall(), "c_sleep_" + label(sizes.sleepSmall()));
            sleepRound(
                cluster.client(), sizes.sleepLarge(), "c_sleep_" + label(sizes.sleepLarge()));
          }
        });
  }

  private void sleepRound(TaskgridClient client, int n, String workload) {
    long start = System.nanoTime();
    List<TaskFuture<Long>> futures = client.map(TaskTypes.SLEEP, Collections.nCopies(n, 1000L));
    int errors = 0;
    for (TaskFuture<Long> f : futures) {
      try {
        if (f.join() != 1000L) {
          errors++;
        }
      } catch (CompletionException e) {
        errors++;
      }
    }
    long nanos = System.nanoTime() - start;
    if (!workload.equals("warmup")) {
      report.figure(workload, "wall", "s", nanos / 1e9);
      report.figure(workload, "errors", "tasks", errors);
    }
  }

  /**
   * (d) the seeds' CPU job on the worker's 2 CPU children vs one thread of this JVM, then a job of
   * the same kind sized so that the work dominates (issue 15: 20 tasks of ~100 ms). The sequential
   * and the cluster runs alternate, each warm, and each cluster run reports its timeline.
   */
  void cpuJob() throws Exception {
    List<Long> inputs = inputs(sizes.cpuBase(), sizes.cpuTasks());
    List<Long> sized = inputs(sizes.cpuSizedBase(), sizes.cpuSizedTasks());
    SumOfSquares.warmUp(); // the baseline's JIT gets what each child's gets
    withCluster(
        cluster -> {
          // Warm-up, so that every side is measured at its steady state, as the sequential
          // baseline is: the coordinator's and worker's JIT on noop tasks first (compiling them
          // while the children run would take their cores), then the children's on the job.
          warmUpCoordinator(cluster);
          // Then many cheap CPU tasks, 1,000 per task of the job: the CPU pool's paths in the
          // coordinator and the worker need thousands of calls before the JIT's last tier
          // compiles them, which 100 rounds of the job (2,000 tasks) did not give, and the
          // compilers ran during the timed rounds instead, on the children's cores.
          cpuParallel(
              cluster.client(), inputs(1_000L, CPU_PATH_WARM_UP_PER_TASK * sizes.cpuTasks()));
          // 100 rounds of the full job; a smoke run's 4-task job gets 20.
          for (int r = 0; r < Math.min(CPU_WARM_UP_ROUNDS, 5 * sizes.cpuTasks()); r++) {
            cpuParallel(cluster.client(), inputs);
          }
          sequential(inputs); // warm-up: this JVM's JIT
          for (int r = 0; r < sizes.runs(); r++) {
            double seq = sequential(inputs);
            CpuRun par = cpuParallel(cluster.client(), inputs);
            report.figure("d_cpu", "sequential_in_jvm", "s", seq);
            report.figure("d_cpu", "taskgrid_2_children", "s", par.seconds());
            report.figure("d_cpu", "efficiency", "%", 100 * seq / (2 * par.seconds()));
            timeline("d_cpu", par);
          }
          cpuParallel(cluster.client(), sized); // warm-up: one round at this size
          sequential(sized);
          for (int r = 0; r < sizes.runs(); r++) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            double seq = sequential(sized);
            report.figure(
                "d_sized", "sequential_cpu", "s", (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9);
            CpuShares shares = CpuShares.start(controlPlane(cluster));
            CpuRun par = cpuParallel(cluster.client(), sized);
            CpuShares.Used used = shares.stop();
            report.figure("d_sized", "children_cpu", "s", used.childrenMillis() / 1e3);
            report.figure("d_sized", "control_plane_cpu", "s", used.controlMillis() / 1e3);
            report.figure("d_sized", "sequential_in_jvm", "s", seq);
            report.figure("d_sized", "taskgrid_2_children", "s", par.seconds());
            report.figure("d_sized", "speed_up", "x", seq / par.seconds());
            report.figure("d_sized", "efficiency", "%", 100 * seq / (2 * par.seconds()));
            report.figure("d_sized", "sequential_per_task", "ms", 1e3 * seq / sized.size());
            timeline("d_sized", par);
          }
        });
  }

  private void timeline(String workload, CpuRun run) {
    CpuTimeline t = run.timeline();
    if (t == null) {
      return;
    }
    report.figure(workload, "child_run_per_task", "ms", t.meanRunMillis());
    report.figure(workload, "first_start_after_submit", "ms", t.lead());
    report.figure(workload, "child_idle_between_tasks", "ms", t.gapMillis());
    report.figure(workload, "last_result_to_client", "ms", t.tail());
    report.note("%s %s", workload, t.describe());
  }

  /** This JVM (the client), the coordinator and the worker, whose descendants are the children. */
  private static List<ProcessHandle> controlPlane(BenchCluster cluster) {
    List<ProcessHandle> processes = new ArrayList<>();
    processes.add(ProcessHandle.current());
    ProcessHandle.of(cluster.coordinator().pid()).ifPresent(processes::add);
    BenchProcess worker = cluster.worker();
    if (worker != null) {
      ProcessHandle.of(worker.pid()).ifPresent(processes::add);
    }
    return processes;
  }

  private static List<Long> inputs(long base, int count) {
    List<Long> inputs = new ArrayList<>(count);
    for (int x = 0; x < count; x++) {
      inputs.add(base + x);
    }
    return inputs;
  }

  /** This thread's CPU time: the sequential run's CPU, next to the children's. */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Rounds of the CPU job before the measured ones: the children's and the worker's JIT. */
  private static final int CPU_WARM_UP_ROUNDS = 100;

  /** Cheap CPU tasks per task of the job, run once before its rounds (see {@link #cpuJob}). */
  private static final int CPU_PATH_WARM_UP_PER_TASK = 1_000;

  /**
   * Runs noop tasks so that the coordinator's and worker's hot paths are compiled before a timed
   * run (3 x 20,000 tasks, a few seconds on 2 cores): with one 10,000-task warm-up the first timed
   * run of (a) was still half as fast as the next ones, and the first 10,000 sleeps took 2 s
   * against 1.3 s for the next, the JIT compiling during them. Every workload but (e) (which
   * measures a fresh coordinator's heap) warms up with it.
   */
  /**
   * 3 short rounds, then one of the timed size: after the short rounds alone, the first timed round
   * still ran at about two thirds of the next ones' throughput (bench/ANALYSIS.md, thirteenth
   * pass).
   */
  private void warmUpCoordinator(BenchCluster cluster) {
    for (int r = 0; r < 3; r++) {
      noopRound(cluster, sizes.noop() / 5, false);
    }
    noopRound(cluster, sizes.noop(), false);
  }

  private static double sequential(List<Long> inputs) {
    long start = System.nanoTime();
    for (long n : inputs) {
      check(n, SumOfSquares.loop(n));
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** One cluster run of a CPU job: its wall time and, when every result has times, its timeline. */
  private record CpuRun(double seconds, @Nullable CpuTimeline timeline) {}

  private static CpuRun cpuParallel(TaskgridClient client, List<Long> inputs) {
    long startWall = System.currentTimeMillis();
    long start = System.nanoTime();
    List<TaskFuture<BigInteger>> futures = client.map(TaskTypes.SUM_SQUARES, inputs);
    List<BigInteger> sums = Futures.gather(futures).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    long endWall = System.currentTimeMillis();
    for (int i = 0; i < inputs.size(); i++) {
      check(inputs.get(i), sums.get(i));
    }
    return new CpuRun(seconds, CpuTimeline.of(futures, startWall, endWall));
  }

  private static void check(long n, BigInteger sum) {
    if (!sum.equals(SumOfSquares.closedForm(n))) {
      throw new IllegalStateException("wrong sum_squares(" + n + "): " + sum);
    }
  }

  /**
   * (e) heap per queued task: N tasks queued with no worker connected, the coordinator's live heap
   * compared after a full GC, then the job completes once a worker joins. A fresh coordinator per
   * run; the last run is the big job (1,000,000 tasks at the coordinator's default heap).
   */
  void heap() throws Exception {
    for (int r = 0; r < sizes.runs(); r++) {
      heapRound(sizes.heapTasks(), "e_heap");
    }
    heapRound(sizes.jobTasks(), "e_job");
  }

  private void heapRound(int n, String workload) throws Exception {
    // The whole job goes through one client session, which by default may hold 250,000 live
    // tasks (--max-queued-tasks-per-session); past that the coordinator rejects the rest.
    List<String> args =
        List.of("--max-queued-tasks-per-session", String.valueOf(Math.max(n, 250_000)));
    try (BenchCluster cluster = BenchCluster.startCoordinator(workDir, coordinatorJvm, args)) {
      long pid = cluster.coordinator().pid();
      long before = HeapProbe.liveBytes(pid);
      long start = System.nanoTime();
      List<TaskFuture<byte[]>> futures =
          cluster.client().map(TaskTypes.NOOP, Collections.nCopies(n, EMPTY));
      String last = futures.get(n - 1).taskId();
      cluster
          .coordinator()
          .await(
              Duration.ofMinutes(10),
              "the last task stored",
              () -> cluster.client().getTask(last).isPresent());
      double submitSeconds = (System.nanoTime() - start) / 1e9;
      long after = HeapProbe.liveBytes(pid);
      report.figure(workload, "heap_per_queued_task", "bytes", (after - before) / (double) n);
      report.figure(workload, "submit_and_store", "s", submitSeconds);
      long drain = System.nanoTime();
      cluster.startWorker();
      int failed = 0;
      for (TaskFuture<byte[]> f : futures) {
        try {
          f.join();
        } catch (CompletionException e) {
          failed++;
        }
      }
      report.figure(workload, "worker_start_to_done", "s", (System.nanoTime() - drain) / 1e9);
      report.figure(workload, "tasks_completed", "tasks", n - failed);
    }
  }

  /** (f) asCompleted over N futures: consume every result in completion order. */
  void asCompleted() throws Exception {
    withCluster(
        cluster -> {
          warmUpCoordinator(cluster);
          asCompletedRound(cluster.client(), sizes.asCompleted() / 10, false);
          for (int r = 0; r < sizes.runs(); r++) {
            asCompletedRound(cluster.client(), sizes.asCompleted(), true);
          }
        });
  }

  private void asCompletedRound(TaskgridClient client, int n, boolean record) {
    long start = System.nanoTime();
    List<TaskFuture<byte[]>> futures = client.map(TaskTypes.NOOP, Collections.nCopies(n, EMPTY));
    int seen = 0;
    for (TaskFuture<byte[]> f : Futures.asCompleted(futures)) {
      f.join();
      seen++;
    }
    long nanos = System.nanoTime() - start;
    if (seen != n) {
      throw new IllegalStateException("asCompleted yielded " + seen + " of " + n);
    }
    if (record) {
      report.figure("f_ascompleted", "wall", "s", nanos / 1e9);
      report.figure("f_ascompleted", "throughput", "tasks/s", n / (nanos / 1e9));
    }
  }

  /**
   * (g) soak: a steady mixed load for minutes with every process sampled (see {@link
   * SoakWorkload}); the coordinator and the worker run with the launcher's heap. At rate 0 the peak
   * is measured first (noop tasks, after the warm-up) and the load runs at half of it.
   */
  void soak(SoakSettings soak) throws Exception {
    List<String> coordinatorArgs =
        soak.retainedMax() > 0
            ? List.of("--retained-max", Long.toString(soak.retainedMax()))
            : List.of();
    List<String> jvm = new ArrayList<>(soak.heapFlags());
    jvm.addAll(coordinatorJvm);
    try (BenchCluster cluster = BenchCluster.startCoordinator(workDir, jvm, coordinatorArgs)) {
      cluster.startWorker(soak.heapFlags());
      warmUpCoordinator(cluster);
      long rate = soak.rate();
      if (rate == 0) {
        long start = System.nanoTime();
        int n = sizes.noop();
        List<TaskFuture<byte[]>> futures =
            cluster.client().map(TaskTypes.NOOP, Collections.nCopies(n, EMPTY));
        CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new)).join();
        double peak = n / ((System.nanoTime() - start) / 1e9);
        report.figure("g_soak", "measured_peak", "tasks/s", peak);
        rate = Math.max(1, (long) (peak / 2));
      }
      report.note(
          "soak: %d tasks/s for %s, samples every %s, coordinator -Xmx%s%s",
          rate,
          soak.duration(),
          soak.sampleEvery(),
          soak.heap(),
          soak.retainedMax() > 0 ? ", --retained-max " + soak.retainedMax() : "");
      new SoakWorkload(cluster, soak, report).run(rate);
    }
  }

  private static String label(int n) {
    return n % 1000 == 0 ? (n / 1000) + "k" : Integer.toString(n);
  }
}

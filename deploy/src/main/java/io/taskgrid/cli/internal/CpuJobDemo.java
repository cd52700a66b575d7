package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seeds' CPU benchmark: {@code sum_squares(base + x)} for x in 0..count-1 on the cluster's CPU
 * pool, next to the same job run sequentially on one thread of this JVM; then a job of the same
 * kind sized so that each task is ~100 ms of work, where the cores give their speed-up (the seeds'
 * tasks are so short that handing them out costs as much as running them).
 */
final class CpuJobDemo {
  private final TaskgridClient client;
  private final DemoReport report;
  private final int localCpuProcesses;
  private Duration lastSequential = Duration.ZERO;
  private double lastSpeedUp;

  /** A speed-up below this is no speed-up worth the name: the report says why. */
  static final double SPED_UP = 1.2;

  /**
   * @param localCpuProcesses the CPU processes of the local cluster the demo started; 0 for a
   *     remote cluster
   */
  CpuJobDemo(TaskgridClient client, DemoReport report, int localCpuProcesses) {
    this.client = client;
    this.report = report;
    this.localCpuProcesses = localCpuProcesses;
  }

  /**
   * The seeds' job, then a job sized so that the work dominates the cost of handing out each task.
   *
   * @param sizedBase n of the sized job's first task (about 100 ms of work each)
   * @param sizedCount tasks of the sized job
   */
  boolean run(long base, int count, long sizedBase, int sizedCount) {
    SumOfSquares.warmUp(); // the baseline's JIT gets what each child's gets
    boolean exact = seedsJob(base, count);
    double perTaskMillis = lastSequential.toNanos() / 1e6 / count;
    if (lastSpeedUp < SPED_UP) {
      report.line(
          "Why no speed-up: each task is only ~%.1f ms of work, and handing it to a CPU child"
              + " and back costs about as much, so this small job cannot beat one thread.",
          perTaskMillis);
    } else {
      report.line("Each task is ~%.1f ms of work.", perTaskMillis);
    }
    exact &= sizedJob(sizedBase, sizedCount);
    return exact;
  }

  /**
   * The sized job: the speed-up the machine's cores give when the work dominates. It runs twice on
   * the cluster and twice on one thread, alternating; the speed-up is the second cluster run's
   * against the faster sequential run. The first cluster run is shown too: this JVM (coordinator,
   * worker, client) was started seconds ago, and its JIT compiler is still compiling the cluster's
   * own code on the cores the children need.
   */
  private boolean sizedJob(long base, int count) {
    report.section(
        String.format(
            Locale.ROOT,
            "CPU-bound, sized so that the work dominates: sum_squares(%,d + x) for x in 0..%d",
            base,
            count - 1));
    List<Long> inputs = new ArrayList<>(count);
    for (int x = 0; x < count; x++) {
      inputs.add(base + x);
    }
    ClusterRun first = clusterRun(inputs);
    Sequential seq = sequential(inputs, first.sums());
    ClusterRun second = clusterRun(inputs);
    Sequential seqAgain = sequential(inputs, second.sums());
    boolean exact = seq.exact() && seqAgain.exact();
    Duration sequential = seq.time().compareTo(seqAgain.time()) <= 0 ? seq.time() : seqAgain.time();
    int cores = Runtime.getRuntime().availableProcessors();
    double perTask = sequential.toNanos() / 1e6 / count;
    report.line(
        "%d results, %s; ~%.0f ms of work per task",
        count, exact ? "all exact" : "SOME WRONG", perTask);
    report.line(
        "cluster, CPU pool, first run:   %s   (%.2fx)",
        DemoReport.seconds(first.time()), ratio(sequential, first.time()));
    report.line("cluster, CPU pool, second run:  %s", DemoReport.seconds(second.time()));
    report.line("sequential, one thread:         %s   (the faster of 2 runs)", seconds(sequential));
    report.line(
        "speed-up: %.2fx with %s on %d cores (load average %s)",
        ratio(sequential, second.time()), cpuPool(), cores, loadAverage());
    CpuTimeline timeline = second.timeline();
    if (timeline != null) {
      report.line("%s", timeline.describe());
    }
    if (localCpuProcesses > 0) {
      report.line("%s", second.used().describe(cores));
      report.line("%s", whyNot(second, perTask, Math.min(cores, localCpuProcesses), cores));
    }
    return exact;
  }

  /**
   * Why the speed-up is not the number of cores, from where the cores' time went during the run: to
   * the children, to this JVM (the coordinator, worker and client share the cores with the children
   * here), or to other processes (or nothing).
   */
  static String whyNot(ClusterRun run, double sequentialPerTaskMillis, int parallel, int cores) {
    CpuShares.Used used = run.used();
    double capacity = cores * used.wallMillis();
    double children = used.childrenMillis() / capacity;
    double control = used.controlMillis() / capacity;
    double other = Math.max(0, 1 - children - control);
    String shares =
        String.format(
            Locale.ROOT,
            "Why not %dx: of the cores' time during the run, the children had %.0f%%, this JVM"
                + " (coordinator, worker and client, which here share the cores with the"
                + " children) %.0f%%, other processes or nothing %.0f%%.",
            parallel,
            100 * children,
            100 * control,
            100 * other);
    if (other > BUSY_MACHINE) {
      return shares
          + String.format(
              Locale.ROOT,
              " Other processes were busy (load average %s on %d cores): the figure needs a"
                  + " quiet machine.",
              loadAverage(),
              cores);
    }
    CpuTimeline t = run.timeline();
    return shares
        + String.format(
            Locale.ROOT,
            " A task took ~%.0f ms on a child against ~%.0f ms on one thread; in a deployment the"
                + " coordinator runs on other machines.",
            t == null ? Double.NaN : t.meanRunMillis(),
            sequentialPerTaskMillis);
  }

  /** A share of the cores' time taken by other processes (or idle) that spoils the figure. */
  static final double BUSY_MACHINE = 0.15;

  private static String seconds(Duration d) {
    return DemoReport.seconds(d);
  }

  private static double ratio(Duration sequential, Duration cluster) {
    return (double) sequential.toNanos() / cluster.toNanos();
  }

  /** One run of a job on the cluster: its results, wall time, timeline and CPU use. */
  record ClusterRun(
      List<BigInteger> sums,
      Duration time,
      @org.jspecify.annotations.Nullable CpuTimeline timeline,
      CpuShares.Used used) {}

  private ClusterRun clusterRun(List<Long> inputs) {
    CpuShares shares = CpuShares.start(List.of(ProcessHandle.current()));
    long startWall = System.currentTimeMillis();
    long start = System.nanoTime();
    List<TaskFuture<BigInteger>> futures = client.map(TaskTypes.SUM_SQUARES, inputs);
    List<BigInteger> sums = join(futures);
    Duration time = Duration.ofNanos(System.nanoTime() - start);
    CpuShares.Used used = shares.stop();
    return new ClusterRun(
        sums, time, CpuTimeline.of(futures, startWall, System.currentTimeMillis()), used);
  }

  /** One sequential run on this thread, checking the cluster's results against it. */
  private record Sequential(Duration time, boolean exact) {}

  private static Sequential sequential(List<Long> inputs, List<BigInteger> clusterSums) {
    boolean exact = true;
    long start = System.nanoTime();
    for (int x = 0; x < inputs.size(); x++) {
      BigInteger n = SumOfSquares.loop(inputs.get(x));
      exact &= n.equals(clusterSums.get(x)) && n.equals(SumOfSquares.closedForm(inputs.get(x)));
    }
    return new Sequential(Duration.ofNanos(System.nanoTime() - start), exact);
  }

  /** The local cluster's CPU processes, or the CPU slots of a remote cluster's workers. */
  private String cpuPool() {
    if (localCpuProcesses > 0) {
      return localCpuProcesses + " CPU processes";
    }
    int slots = 0;
    for (WorkerInfo w : client.workers()) {
      slots += w.capacity(TaskPool.CPU);
    }
    return slots + " CPU slots";
  }

  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
  }

  private boolean seedsJob(long base, int count) {
    report.section(
        String.format(
            Locale.ROOT,
            "CPU-bound: sum_squares(%,d + x) for x in 0..%d on the CPU pool",
            base,
            count - 1));
    List<Long> inputs = new ArrayList<>(count);
    for (int x = 0; x < count; x++) {
      inputs.add(base + x);
    }
    long start = System.nanoTime();
    List<BigInteger> sums = runOnCluster(inputs);
    Duration cold = Duration.ofNanos(System.nanoTime() - start);
    // Once more: the first run also pays for the children's JIT compiling the loop.
    start = System.nanoTime();
    List<BigInteger> again = runOnCluster(inputs);
    Duration warm = Duration.ofNanos(System.nanoTime() - start);

    report.line("%3s  %-12s %s", "x", "n", "sum of i*i for 0 <= i < n");
    boolean exact = true;
    for (int x = 0; x < count; x++) {
      long n = inputs.get(x);
      boolean right =
          sums.get(x).equals(SumOfSquares.closedForm(n)) && again.get(x).equals(sums.get(x));
      exact &= right;
      report.line("%3d  %-12d %s%s", x, n, sums.get(x), right ? "" : "   <-- WRONG");
    }
    report.line(
        "%d results, %s",
        count, exact ? "all exact (checked against n(n-1)(2n-1)/6)" : "SOME WRONG");

    Duration sequential = Duration.ZERO;
    for (int round = 0; round < 2; round++) {
      start = System.nanoTime();
      for (long n : inputs) {
        if (!SumOfSquares.loop(n).equals(SumOfSquares.closedForm(n))) {
          exact = false;
        }
      }
      sequential = Duration.ofNanos(System.nanoTime() - start);
    }
    report.line("cluster, CPU pool, first run:   %s", DemoReport.seconds(cold));
    lastSpeedUp = (double) sequential.toNanos() / warm.toNanos();
    report.line(
        "cluster, CPU pool, second run:  %s   (%.2fx the sequential run)",
        DemoReport.seconds(warm), lastSpeedUp);
    report.line("sequential, one thread:         %s", DemoReport.seconds(sequential));
    lastSequential = sequential;
    return exact;
  }

  private List<BigInteger> runOnCluster(List<Long> inputs) {
    return join(client.map(TaskTypes.SUM_SQUARES, inputs));
  }

  private static List<BigInteger> join(List<TaskFuture<BigInteger>> futures) {
    List<BigInteger> sums = new ArrayList<>(futures.size());
    for (TaskFuture<BigInteger> future : futures) {
      sums.add(future.join());
    }
    return sums;
  }
}

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

  /** The sized job: the speed-up the machine's cores give when the work dominates. */
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
    long start = System.nanoTime();
    List<BigInteger> sums = runOnCluster(inputs);
    Duration cluster = Duration.ofNanos(System.nanoTime() - start);
    boolean exact = true;
    start = System.nanoTime();
    for (int x = 0; x < count; x++) {
      BigInteger n = SumOfSquares.loop(inputs.get(x));
      exact &= n.equals(sums.get(x)) && n.equals(SumOfSquares.closedForm(inputs.get(x)));
    }
    Duration sequential = Duration.ofNanos(System.nanoTime() - start);
    String pool = cpuPool();
    report.line(
        "%d results, %s; ~%.0f ms of work per task",
        count, exact ? "all exact" : "SOME WRONG", sequential.toNanos() / 1e6 / count);
    report.line("cluster, CPU pool:       %s", DemoReport.seconds(cluster));
    report.line("sequential, one thread:  %s", DemoReport.seconds(sequential));
    report.line(
        "speed-up: %.2fx with %s on %d cores (load average %s)",
        (double) sequential.toNanos() / cluster.toNanos(),
        pool,
        Runtime.getRuntime().availableProcessors(),
        loadAverage());
    return exact;
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
    List<TaskFuture<BigInteger>> futures = client.map(TaskTypes.SUM_SQUARES, inputs);
    List<BigInteger> sums = new ArrayList<>(inputs.size());
    for (TaskFuture<BigInteger> future : futures) {
      sums.add(future.join());
    }
    return sums;
  }
}

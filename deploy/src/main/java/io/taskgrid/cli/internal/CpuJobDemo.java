package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seeds' CPU benchmark: {@code sum_squares(base + x)} for x in 0..count-1 on the cluster's CPU
 * pool, next to the same job run sequentially on one thread of this JVM.
 */
final class CpuJobDemo {
  private final TaskgridClient client;
  private final DemoReport report;

  CpuJobDemo(TaskgridClient client, DemoReport report) {
    this.client = client;
    this.report = report;
  }

  boolean run(long base, int count) {
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
    report.line(
        "cluster, CPU pool, second run:  %s   (%.2fx the sequential run)",
        DemoReport.seconds(warm), (double) sequential.toNanos() / warm.toNanos());
    report.line("sequential, one thread:         %s", DemoReport.seconds(sequential));
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

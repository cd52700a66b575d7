package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.sched.TaskEvents;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;

/**
 * Measures what the metrics cost per task: the three events the scheduler reports for each task
 * (submitted, started, ended: 2 counters and 3 histogram observations). Not a test: run it by hand
 * (see docs/METRICS.md) and read the figure; speed is never asserted.
 */
public final class MetricsOverheadMain {
  private MetricsOverheadMain() {}

  public static void main(String[] args) {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    CoordinatorMetrics metrics = CoordinatorMetrics.register(new CollectorRegistry());
    // Eight announced types, as a worker's hello would give them: each event looks its type up.
    for (String type : TYPES) {
      metrics.typeAnnounced(Pool.IO, type);
      metrics.typeAnnounced(Pool.CPU, type);
    }
    double[] with = new double[ROUNDS];
    double[] without = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      // Same loop through the same interface with no metrics: what is left is the metrics' cost.
      without[round] = (double) runRound(TaskEvents.NONE, tasks, threads) * threads / tasks;
      with[round] = (double) runRound(metrics, tasks, threads) * threads / tasks;
      System.out.printf(
          "round %d: %.1f ns per task with metrics, %.1f ns without (%d tasks, %d thread(s))%n",
          round, with[round], without[round], tasks, threads);
    }
    java.util.Arrays.sort(with);
    java.util.Arrays.sort(without);
    System.out.printf(
        "median: %.1f ns per task with metrics, %.1f ns without: overhead %.1f ns per task%n",
        with[ROUNDS / 2], without[ROUNDS / 2], with[ROUNDS / 2] - without[ROUNDS / 2]);
  }

  private static final int ROUNDS = 7;

  private static final String[] TYPES = {
    "echo", "noop", "sleep", "http.get", "sum_squares", "spin", "fail", "wordcount"
  };

  private static long runRound(TaskEvents m, int tasks, int threads) {
    Thread[] ts = new Thread[threads];
    int each = tasks / threads;
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      ts[t] =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  Pool pool = ((i + seed) & 1) == 0 ? Pool.IO : Pool.CPU;
                  String type = TYPES[(i >> 1) & 7];
                  m.submitted(pool, type);
                  m.started(pool, type, 1, i & 1023, null);
                  Outcome outcome = (i & 15) == 0 ? Outcome.FAILED : Outcome.SUCCEEDED;
                  m.ended(pool, type, outcome, i & 255, i & 4095);
                }
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return System.nanoTime() - start;
  }
}

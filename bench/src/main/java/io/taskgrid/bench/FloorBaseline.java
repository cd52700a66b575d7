package io.taskgrid.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The floor: the same trivial tasks on an in-process {@link ThreadPoolExecutor} with one thread per
 * core, no network, no store. Usage: {@code FloorBaseline [runs]}.
 */
public final class FloorBaseline {
  private static final int NOOP = 100_000;
  private static final int RTT = 10_000;

  private FloorBaseline() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int cores = Runtime.getRuntime().availableProcessors();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(cores, cores, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1);
    try {
      noop(pool, NOOP / 10, false);
      rtt(pool, RTT / 5, false);
      for (int r = 0; r < runs; r++) {
        noop(pool, NOOP, true);
        rtt(pool, RTT, true);
        asCompleted(pool, NOOP);
        sleeps(timers, 10_000, "c_sleep_10k");
        sleeps(timers, 100_000, "c_sleep_100k");
      }
    } finally {
      pool.shutdownNow();
      timers.shutdownNow();
    }
  }

  private static Integer task() {
    return 1;
  }

  private static void noop(ThreadPoolExecutor pool, int n, boolean record)
      throws InterruptedException, ExecutionException {
    long start = System.nanoTime();
    List<Future<Integer>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(FloorBaseline::task));
    }
    for (Future<Integer> f : futures) {
      f.get();
    }
    double s = (System.nanoTime() - start) / 1e9;
    if (record) {
      Results.figure("floor", "a_noop", "throughput", "tasks/s", n / s);
    }
  }

  private static void rtt(ThreadPoolExecutor pool, int n, boolean record)
      throws InterruptedException, ExecutionException {
    Histogram h = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      pool.submit(FloorBaseline::task).get();
      h.recordValue((System.nanoTime() - t0) / 1000);
    }
    if (record) {
      Results.figure("floor", "b_rtt", "p50", "us", h.getValueAtPercentile(50));
      Results.figure("floor", "b_rtt", "p99", "us", h.getValueAtPercentile(99));
    }
  }

  private static void asCompleted(ThreadPoolExecutor pool, int n)
      throws InterruptedException, ExecutionException {
    long start = System.nanoTime();
    ExecutorCompletionService<Integer> ecs = new ExecutorCompletionService<>(pool);
    for (int i = 0; i < n; i++) {
      ecs.submit(FloorBaseline::task);
    }
    for (int i = 0; i < n; i++) {
      ecs.take().get();
    }
    double s = (System.nanoTime() - start) / 1e9;
    Results.figure("floor", "f_ascompleted", "wall", "s", s);
    Results.figure("floor", "f_ascompleted", "throughput", "tasks/s", n / s);
  }

  /** n timers of 1 s in flight at once: the in-process floor of workload (c). */
  private static void sleeps(ScheduledExecutorService timers, int n, String workload) {
    long start = System.nanoTime();
    List<CompletableFuture<Void>> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      timers.schedule(() -> f.complete(null), 1, TimeUnit.SECONDS);
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new)).join();
    Results.figure("floor", workload, "wall", "s", (System.nanoTime() - start) / 1e9);
  }
}

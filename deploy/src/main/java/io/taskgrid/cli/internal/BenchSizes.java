package io.taskgrid.cli.internal;

/**
 * How big each bench workload is: issue 6's sizes, or a seconds-long smoke. Workload (d) runs the
 * seeds' CPU job ({@code cpuTasks} tasks from {@code cpuBase}) and a job sized so that the work
 * dominates ({@code cpuSizedTasks} tasks from {@code cpuSizedBase}, issue 15). Workload (e)
 * measures heap per queued task over {@code runs} runs of {@code heapTasks}, then runs one {@code
 * jobTasks}-task job to completion once (a 1,000,000-task run takes minutes on 2 cores).
 */
record BenchSizes(
    int runs,
    int noop,
    int rtt,
    int sleepSmall,
    int sleepLarge,
    long cpuBase,
    int cpuTasks,
    long cpuSizedBase,
    int cpuSizedTasks,
    int heapTasks,
    int jobTasks,
    int asCompleted) {

  static BenchSizes full(int runs) {
    return new BenchSizes(
        runs,
        100_000,
        10_000,
        10_000,
        100_000,
        10_000_000L,
        20,
        SIZED_BASE,
        20,
        100_000,
        1_000_000,
        100_000);
  }

  static BenchSizes smoke() {
    return new BenchSizes(1, 2_000, 200, 200, 500, 100_000L, 4, 1_000_000L, 4, 2_000, 2_000, 2_000);
  }

  /** n of the sized CPU job's first task: ~100 ms of sum_squares each on a 2020s core. */
  static final long SIZED_BASE = 250_000_000L;
}

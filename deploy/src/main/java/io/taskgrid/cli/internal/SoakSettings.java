package io.taskgrid.cli.internal;

import java.time.Duration;
import java.util.List;

/**
 * What {@code taskgrid bench -w soak} runs: for how long, at what rate (0: half of the peak
 * measured first), how often every process is sampled, and the coordinator's retention budget and
 * heap (0 / empty: the launcher's defaults).
 *
 * @param duration how long the steady load runs
 * @param rate tasks per second; 0 measures the peak (noop tasks) and runs at half of it
 * @param sampleEvery how often the processes are sampled (after a forced full GC)
 * @param retainedMax the coordinator's --retained-max; 0 keeps its default
 * @param heap the -Xmx of the coordinator and the worker, as the launcher sets it
 * @param maxHeapGrowth the most the coordinator's after-GC old generation may grow from the first
 *     sample with the budget full (or after the warm-up) to the last, as a fraction (0.1: 10 %);
 *     negative: not checked
 */
record SoakSettings(
    Duration duration,
    long rate,
    Duration sampleEvery,
    long retainedMax,
    String heap,
    double maxHeapGrowth) {

  /** The launcher's default heap (bin/taskgrid, TASKGRID_HEAP). */
  static final String LAUNCHER_HEAP = "2g";

  List<String> heapFlags() {
    return List.of("-Xmx" + heap);
  }
}

package io.taskgrid.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskgrid bench}: the end-to-end workloads of issue 6 against a coordinator and a worker
 * started as real processes on loopback. Prints one {@code RESULT} line per figure.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Run end-to-end benchmarks against a coordinator and a worker started as processes on"
            + " 127.0.0.1; prints one 'RESULT system workload metric unit value' line per figure.")
final class BenchCommand implements Callable<Integer> {
  /** The workloads, in the order they run. */
  enum Workload {
    noop,
    /** (a) with two coordinators in one cluster (remote owners and backups). */
    noop2,
    rtt,
    sleep,
    cpu,
    heap,
    ascompleted,
    /** Minutes of steady mixed load; not part of the default set. */
    soak
  }

  @Option(
      names = {"-w", "--workload"},
      split = ",",
      description = "Workloads to run (default: all but soak): ${COMPLETION-CANDIDATES}.")
  List<Workload> workloads = new ArrayList<>();

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Measured runs of each workload, after a warm-up (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(names = "--smoke", description = "Tiny sizes and one run: proves the bench works.")
  boolean smoke;

  @Option(
      names = "--coordinator-jvm-opt",
      description = "Extra JVM option for the coordinator process (repeatable), e.g. for JFR.")
  List<String> coordinatorJvm = new ArrayList<>();

  @Option(
      names = "--soak-minutes",
      defaultValue = "30",
      description = "How long the soak's steady load runs (default: ${DEFAULT-VALUE}).")
  double soakMinutes = 30;

  @Option(
      names = "--soak-rate",
      defaultValue = "0",
      description =
          "The soak's tasks per second; 0 measures the peak first and runs at half of it"
              + " (default: ${DEFAULT-VALUE}).")
  long soakRate = 0;

  @Option(
      names = "--soak-sample-s",
      defaultValue = "30",
      description =
          "Seconds between two samples of every process (after a full GC) (default:"
              + " ${DEFAULT-VALUE}).")
  int soakSampleSeconds = 30;

  @Option(
      names = "--soak-retained-max",
      defaultValue = "0",
      description =
          "The coordinator's --retained-max during the soak; 0 keeps its default (default:"
              + " ${DEFAULT-VALUE}).")
  long soakRetainedMax = 0;

  @Option(
      names = "--soak-heap",
      defaultValue = SoakSettings.LAUNCHER_HEAP,
      description =
          "-Xmx of the soak's coordinator and worker, as TASKGRID_HEAP sets it (default:"
              + " ${DEFAULT-VALUE}).")
  String soakHeap = SoakSettings.LAUNCHER_HEAP;

  @Option(
      names = "--soak-max-heap-growth-pct",
      defaultValue = "10",
      description =
          "Fail when the coordinator's after-GC old generation grows more than this from the"
              + " first sample with the retention budget full (else after the first 20 %% of the"
              + " run) to the last; -1: do not check (default: ${DEFAULT-VALUE}).")
  double soakMaxHeapGrowthPct = 10;

  @Option(
      names = "--work-dir",
      description = "Folder for the processes' logs (default: a new temporary folder).")
  @Nullable Path workDir;

  @Override
  public Integer call() throws Exception {
    Checks.atLeast("--runs", runs, 1);
    if (!(soakMinutes > 0)) {
      throw new UsageException("--soak-minutes: " + soakMinutes + " (expected: > 0)");
    }
    Checks.atLeast("--soak-rate", soakRate, 0);
    Checks.atLeast("--soak-sample-s", soakSampleSeconds, 1);
    if (soakRetainedMax != 0) {
      Checks.between("--soak-retained-max", soakRetainedMax, 1_000, Integer.MAX_VALUE);
    }
    if (!soakHeap.matches("[0-9]+[kKmMgG]?")) {
      throw new UsageException("--soak-heap: " + soakHeap + " (expected: like 512m or 2g)");
    }
    Path dir = workDir != null ? workDir : Files.createTempDirectory("taskgrid-bench");
    Files.createDirectories(dir);
    BenchSizes sizes = smoke ? BenchSizes.smoke() : BenchSizes.full(runs);
    BenchReport report = new BenchReport(System.out);
    report.note(
        "taskgrid bench: JDK %s, %d cores, logs in %s",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), dir);
    // How idle cores wake decides the round trip's median here more than our code: say it.
    report.note("%s", IdleRegime.ofThisMachine().describe());
    BenchWorkloads bench = new BenchWorkloads(dir, List.copyOf(coordinatorJvm), sizes, report);
    List<Workload> byDefault = new ArrayList<>(List.of(Workload.values()));
    byDefault.remove(Workload.soak);
    Set<Workload> chosen = new LinkedHashSet<>(workloads.isEmpty() ? byDefault : workloads);
    for (Workload w : Workload.values()) {
      if (!chosen.contains(w)) {
        continue;
      }
      report.note("workload %s", w);
      switch (w) {
        case noop -> bench.noop();
        case noop2 -> bench.noopTwoCoordinators();
        case rtt -> bench.roundTrips();
        case sleep -> bench.sleeps();
        case cpu -> bench.cpuJob();
        case heap -> bench.heap();
        case ascompleted -> bench.asCompleted();
        case soak ->
            bench.soak(
                new SoakSettings(
                    Duration.ofMillis((long) (soakMinutes * 60_000)),
                    soakRate,
                    Duration.ofSeconds(soakSampleSeconds),
                    soakRetainedMax,
                    soakHeap,
                    soakMaxHeapGrowthPct < 0 ? -1 : soakMaxHeapGrowthPct / 100));
      }
    }
    return 0;
  }
}

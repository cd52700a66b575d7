package io.taskgrid.cli.internal;

import java.nio.file.Files;
import java.nio.file.Path;
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
    rtt,
    sleep,
    cpu,
    heap,
    ascompleted
  }

  @Option(
      names = {"-w", "--workload"},
      split = ",",
      description = "Workloads to run (default: all): ${COMPLETION-CANDIDATES}.")
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
      names = "--work-dir",
      description = "Folder for the processes' logs (default: a new temporary folder).")
  @Nullable Path workDir;

  @Override
  public Integer call() throws Exception {
    Checks.atLeast("--runs", runs, 1);
    Path dir = workDir != null ? workDir : Files.createTempDirectory("taskgrid-bench");
    Files.createDirectories(dir);
    BenchSizes sizes = smoke ? BenchSizes.smoke() : BenchSizes.full(runs);
    BenchReport report = new BenchReport(System.out);
    report.note(
        "taskgrid bench: JDK %s, %d cores, logs in %s",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), dir);
    BenchWorkloads bench = new BenchWorkloads(dir, List.copyOf(coordinatorJvm), sizes, report);
    Set<Workload> chosen =
        new LinkedHashSet<>(workloads.isEmpty() ? List.of(Workload.values()) : workloads);
    for (Workload w : Workload.values()) {
      if (!chosen.contains(w)) {
        continue;
      }
      report.note("workload %s", w);
      switch (w) {
        case noop -> bench.noop();
        case rtt -> bench.roundTrips();
        case sleep -> bench.sleeps();
        case cpu -> bench.cpuJob();
        case heap -> bench.heap();
        case ascompleted -> bench.asCompleted();
      }
    }
    return 0;
  }
}

package io.taskgrid.cli.internal;

import io.taskgrid.worker.internal.cpu.GcChoice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A coordinator or worker started by {@code taskgrid bench} as a real process from this JVM's own
 * class path, with the launcher's JVM flags. It exits when our pipe to its stdin closes, so nothing
 * outlives the bench.
 */
final class BenchProcess implements AutoCloseable {
  /** The JVM flags of bin/taskgrid that change the figures (PERF-NOTES). */
  static final List<String> LAUNCHER_JVM_FLAGS =
      List.of(
          "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "-XX:+UseParallelGC");

  private final String name;
  private final Process process;
  private final Path log;

  private BenchProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static BenchProcess start(String name, Path workDir, List<String> jvmOptions, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    // As bin/taskgrid does with TASKGRID_JAVA_OPTS: a collector in the options replaces ParallelGC.
    command.addAll(GcChoice.defaultsGivingWay(LAUNCHER_JVM_FLAGS, jvmOptions));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TaskgridCli.class.getName());
    command.addAll(args);
    command.add("--exit-on-stdin-close");
    Path log = workDir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new BenchProcess(name, process, log);
  }

  long pid() {
    return process.pid();
  }

  /** The processes it started (a worker's CPU children), alive now. */
  List<ProcessHandle> children() {
    try (java.util.stream.Stream<ProcessHandle> children = process.children()) {
      return children.filter(ProcessHandle::isAlive).toList();
    }
  }

  /** Everything the process wrote so far. */
  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Times a thread of the process went to sleep waiting (voluntary context switches, summed over
   * its live threads from {@code /proc}), or -1 where there is no {@code /proc}. Each thread
   * hand-off wakes a thread that then sleeps again, so the count per task follows the hand-offs per
   * task, and unlike latency it does not depend on what else the machine runs.
   */
  long voluntaryContextSwitches() {
    Path tasks = Paths.get("/proc", Long.toString(process.pid()), "task");
    long total = 0;
    try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        try {
          for (String line : Files.readAllLines(thread.resolve("status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException e) {
          // The thread ended while we listed them: its switches are lost either way.
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return total;
  }

  /** CPU time (user + system) of the process so far, all threads. */
  Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Waits for a condition, failing at once (with the log's tail) if the process exits. */
  void await(Duration atMost, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " waiting for " + what + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": no " + what + " after " + atMost + logTail());
      }
      // Polling a file or an RPC: nothing to be notified by.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\n--- last lines of "
          + name
          + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return " (no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Closing stdin is the polite way; destroy below is the sure one.
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

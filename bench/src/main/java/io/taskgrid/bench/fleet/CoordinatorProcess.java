package io.taskgrid.bench.fleet;

import io.taskgrid.worker.internal.cpu.GcChoice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real coordinator process started from the distribution's jars, and what the bench reads of it
 * from outside: CPU time and threads ({@code /proc}), live heap after a full GC ({@code jcmd
 * GC.class_histogram}).
 */
final class CoordinatorProcess implements AutoCloseable {
  /** Clock ticks per second of {@code /proc/PID/stat} (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;

  private final Process process;
  private final Path portFile;
  final String name;

  private CoordinatorProcess(String name, Process process, Path portFile) {
    this.name = name;
    this.process = process;
    this.portFile = portFile;
  }

  /**
   * Starts {@code taskgrid coordinator} on 127.0.0.1; {@code members} empty for a standalone one,
   * else its Hazelcast port is {@code hzPort} and it joins them.
   */
  static CoordinatorProcess start(
      Path distLib, Path workDir, String name, String cluster, int hzPort, List<String> members)
      throws IOException {
    return start(distLib, workDir, name, cluster, hzPort, members, List.of());
  }

  /** As above, with {@code extraArgs} appended to the coordinator's command line. */
  static CoordinatorProcess start(
      Path distLib,
      Path workDir,
      String name,
      String cluster,
      int hzPort,
      List<String> members,
      List<String> extraArgs)
      throws IOException {
    Path portFile = workDir.resolve(name + ".port");
    Files.deleteIfExists(portFile);
    List<String> command =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // As deploy/bin/taskgrid: without a common-pool parallelism above 1, Hazelcast
                // starts a thread per async operation on 2 cores.
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                // -Dfleet.coordinator.xmx=8g for the larger queued-task runs.
                "-Xmx" + System.getProperty("fleet.coordinator.xmx", "2g"),
                "-XX:+ExitOnOutOfMemoryError"));
    // As the launcher: ParallelGC unless -Dfleet.coordinator.jvm.opts chooses a collector.
    List<String> jvmOpts = jvmOpts();
    command.addAll(GcChoice.defaultsGivingWay(List.of("-XX:+UseParallelGC"), jvmOpts));
    command.addAll(jvmOpts);
    command.addAll(
        List.of(
            "-cp",
            distLib.toAbsolutePath() + "/*",
            "io.taskgrid.cli.internal.TaskgridCli",
            "coordinator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--hz-port",
            Integer.toString(hzPort),
            "--cluster-name",
            cluster,
            "--metrics-port",
            "0",
            "--port-file",
            portFile.toString(),
            "--exit-on-stdin-close"));
    if (!members.isEmpty()) {
      command.add("--member");
      command.add(String.join(",", members));
    }
    command.addAll(extraArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve(name + ".log").toFile());
    // Keeps the retention budget inside the heap given (the default budget wants more).
    builder.environment().putIfAbsent("TASKGRID_RETAINED_MAX", "100000");
    return new CoordinatorProcess(name, builder.start(), portFile);
  }

  /**
   * {@code -Dfleet.coordinator.jvm.opts="-XX:+UseG1GC -Xlog:gc:file=gc-%p.log"}: options for every
   * coordinator's JVM, split at spaces, after the bench's own.
   */
  static List<String> jvmOpts() {
    String opts = System.getProperty("fleet.coordinator.jvm.opts", "").strip();
    return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+", -1));
  }

  /** The gRPC target once the port file is written. */
  String awaitTarget(long timeoutMillis) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!Files.exists(portFile) || Files.size(portFile) == 0) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(name + " did not start (see its log)");
      }
      process.waitFor(100, TimeUnit.MILLISECONDS); // wakes early if it dies
    }
    return "127.0.0.1:" + Files.readString(portFile, StandardCharsets.US_ASCII).trim();
  }

  long pid() {
    return process.pid();
  }

  /** User + system CPU seconds so far. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Paths.get("/proc", Long.toString(pid()), "stat"));
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
  }

  long threads() throws IOException {
    try (var s = Files.list(Paths.get("/proc", Long.toString(pid()), "task"))) {
      return s.count();
    }
  }

  /** Bytes reachable after a full GC: the {@code Total} line of {@code GC.class_histogram}. */
  long liveHeapBytes() throws IOException, InterruptedException {
    return totalOf(classHistogram());
  }

  /** {@code jcmd PID GC.class_histogram} (a full GC first, then the live objects by class). */
  String classHistogram() throws IOException, InterruptedException {
    String jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p =
        new ProcessBuilder(jcmd, Long.toString(pid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd GC.class_histogram failed: " + out);
    }
    return out;
  }

  /** The bytes of the {@code Total} line of a class histogram. */
  static long totalOf(String histogram) {
    String[] lines = histogram.strip().split("\n", -1);
    String[] cols = lines[lines.length - 1].trim().split("\\s+", -1);
    if (cols.length != 3 || !cols[0].equals("Total")) {
      throw new IllegalStateException("no Total line in the class histogram");
    }
    return Long.parseLong(cols[2]);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

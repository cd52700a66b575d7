package io.taskgrid.bench.fleet;

import java.util.Locale;

/**
 * What one fleet run measured. CPU figures are per coordinator (mean over the cluster) and count
 * CPU time, not wall time; throughput and queue wait are wall-clock figures and so depend on how
 * loaded the machine was ({@code load} and {@code loadEnd} are the 1-minute load average at the
 * start and at the end of the run).
 */
record FleetResult(
    int workers,
    int coordinators,
    int slotsPerWorker,
    long heartbeatMillis,
    double idleCpuPerSec,
    double loadCpuPerSec,
    long idleLiveHeapBytes,
    long idleThreads,
    long loadThreads,
    int tasks,
    double throughput,
    double waitP50Millis,
    double waitP99Millis,
    double cpuMicrosPerTask,
    int streamErrors,
    String load,
    String loadEnd) {

  static final String CSV_HEADER =
      "workers,coordinators,slots,heartbeat_ms,idle_cpu_s_per_s,load_cpu_s_per_s,idle_live_heap_mb,"
          + "idle_threads,load_threads,tasks,throughput_per_s,wait_p50_ms,wait_p99_ms,"
          + "cpu_us_per_task,stream_errors,loadavg,loadavg_end";

  String csv() {
    return String.format(
        Locale.ROOT,
        "%d,%d,%d,%d,%.4f,%.4f,%.1f,%d,%d,%d,%.0f,%.2f,%.2f,%.1f,%d,%s,%s",
        workers,
        coordinators,
        slotsPerWorker,
        heartbeatMillis,
        idleCpuPerSec,
        loadCpuPerSec,
        idleLiveHeapBytes / 1e6,
        idleThreads,
        loadThreads,
        tasks,
        throughput,
        waitP50Millis,
        waitP99Millis,
        cpuMicrosPerTask,
        streamErrors,
        load,
        loadEnd);
  }

  /** A line of {@link #csv()}; a line without the end load (older files) reads it as "?". */
  static FleetResult parse(String line) {
    String[] f = line.trim().split(",", -1);
    if (f.length < 16) {
      throw new IllegalArgumentException("not a fleet CSV line: " + line);
    }
    return new FleetResult(
        Integer.parseInt(f[0]),
        Integer.parseInt(f[1]),
        Integer.parseInt(f[2]),
        Long.parseLong(f[3]),
        Double.parseDouble(f[4]),
        Double.parseDouble(f[5]),
        (long) (Double.parseDouble(f[6]) * 1e6),
        Long.parseLong(f[7]),
        Long.parseLong(f[8]),
        Integer.parseInt(f[9]),
        Double.parseDouble(f[10]),
        Double.parseDouble(f[11]),
        Double.parseDouble(f[12]),
        Double.parseDouble(f[13]),
        Integer.parseInt(f[14]),
        f[15],
        f.length > 16 ? f[16] : "?");
  }

  static final String TABLE_HEADER =
      "| workers | coordinators | idle CPU (s/s) | load CPU (s/s) | live heap idle (MB)"
          + " | threads idle / load | tasks | throughput (tasks/s)* | queue wait p50 / p99 (ms)*"
          + " | CPU per task (µs) | stream errors | load avg start / end |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|";

  String tableRow() {
    return String.format(
        Locale.ROOT,
        "| %,d | %d | %.3f | %.2f | %.1f | %d / %d | %,d | %,.0f | %.1f / %.1f | %.0f | %d | %s / %s |",
        workers,
        coordinators,
        idleCpuPerSec,
        loadCpuPerSec,
        idleLiveHeapBytes / 1e6,
        idleThreads,
        loadThreads,
        tasks,
        throughput,
        waitP50Millis,
        waitP99Millis,
        cpuMicrosPerTask,
        streamErrors,
        load,
        loadEnd);
  }
}

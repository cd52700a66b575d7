package io.taskgrid.worker.internal.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * CPU and resident memory of each CPU child process, by slot ({@code child} = "0" … processes - 1,
 * so bounded by {@code --cpu-processes}), read at scrape time: nothing is measured between scrapes.
 * CPU time comes from {@link ProcessHandle.Info#totalCpuDuration()}; it restarts from 0 when a
 * child is replaced, which {@code rate()} treats as a counter reset. RSS comes from {@code
 * /proc/<pid>/status} (VmRSS) and is absent where there is no such file (not Linux). A slot without
 * a live child (starting or restarting) has no sample.
 */
final class CpuChildGauges extends Collector {
  private final List<List<String>> labels;
  private final IntFunction<@Nullable ProcessHandle> child;
  private final Path proc;

  CpuChildGauges(int processes, IntFunction<@Nullable ProcessHandle> child, Path proc) {
    List<List<String>> l = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      l.add(List.of(Integer.toString(i)));
    }
    this.labels = List.copyOf(l);
    this.child = child;
    this.proc = proc;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    CounterMetricFamily cpu =
        new CounterMetricFamily(
            WorkerMetrics.CHILD_CPU_SECONDS,
            "CPU time (user + system) used by the CPU child process of a slot since it started.",
            List.of("child"));
    GaugeMetricFamily rss =
        new GaugeMetricFamily(
            WorkerMetrics.CHILD_RSS_BYTES,
            "Resident memory of the CPU child process of a slot (VmRSS, Linux only).",
            List.of("child"));
    for (int i = 0; i < labels.size(); i++) {
      ProcessHandle p = child.apply(i);
      if (p == null || !p.isAlive()) {
        continue;
      }
      Optional<Duration> cpuTime = p.info().totalCpuDuration();
      if (cpuTime.isPresent()) {
        cpu.addMetric(labels.get(i), cpuTime.get().toNanos() / 1e9);
      }
      OptionalLong bytes = rssBytes(proc.resolve(Long.toString(p.pid())).resolve("status"));
      if (bytes.isPresent()) {
        rss.addMetric(labels.get(i), bytes.getAsLong());
      }
    }
    return List.of(cpu, rss);
  }

  /** VmRSS of a {@code /proc/<pid>/status} file, e.g. {@code VmRSS: 51236 kB}. */
  static OptionalLong rssBytes(Path status) {
    List<String> lines;
    try {
      lines = Files.readAllLines(status, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty(); // not Linux, or the child just exited
    }
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        try {
          long kib = Long.parseLong(parts[0]);
          return OptionalLong.of(parts.length > 1 && parts[1].equals("kB") ? kib * 1024 : kib);
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}

package io.taskgrid.worker.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuChildGaugesTest {
  @TempDir Path proc;

  @Test
  void collect_liveChild_rssFromItsStatusFile_cpuFromItsHandle_emptySlotHasNoSample()
      throws Exception {
    ProcessHandle self = ProcessHandle.current();
    Path dir = Files.createDirectories(proc.resolve(Long.toString(self.pid())));
    Files.writeString(
        dir.resolve("status"),
        "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t   51236 kB\nThreads:\t7\n",
        StandardCharsets.US_ASCII);
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new CpuChildGauges(2, i -> i == 0 ? self : null, proc));

    assertThat(rss(registry, "0")).isEqualTo(51236.0 * 1024);
    assertThat(rss(registry, "1")).isNull();
    double cpu =
        registry.getSampleValue(
            "taskgrid_worker_cpu_child_cpu_seconds_total",
            new String[] {"child"},
            new String[] {"0"});
    assertThat(cpu).isPositive();
    assertThat(
            registry.getSampleValue(
                "taskgrid_worker_cpu_child_cpu_seconds_total",
                new String[] {"child"},
                new String[] {"1"}))
        .isNull();
  }

  @Test
  void rssBytes_noFileOrNoVmRssLine_absent() throws Exception {
    assertThat(CpuChildGauges.rssBytes(proc.resolve("404/status"))).isEmpty();
    Path status = proc.resolve("status");
    Files.writeString(status, "Name:\tkthreadd\nState:\tS (sleeping)\n");
    assertThat(CpuChildGauges.rssBytes(status)).isEmpty();
  }

  private static Double rss(CollectorRegistry registry, String child) {
    return registry.getSampleValue(
        "taskgrid_worker_cpu_child_rss_bytes", new String[] {"child"}, new String[] {child});
  }
}

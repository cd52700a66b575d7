package io.taskgrid.cli.internal;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskgrid demo}: the seeds' workloads (the sum-of-squares CPU job, the crawler, 10,000
 * sleeps) on a local cluster started in this process, or on a given one, with a readable report.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the seeds' CPU job, a CPU job sized so that the work dominates, the crawler and 10,000"
          + " sleeps, and print a report on stdout (logs go to stderr)."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--coordinator"},
      description = "Use this cluster (host:port) instead of starting a local one.")
  @Nullable String coordinator;

  @Option(
      names = "--cpu-processes",
      description = "CPU child processes of the local cluster (default: one per core).")
  @Nullable Integer cpuProcesses;

  @Option(
      names = "--sum-base",
      defaultValue = "10000000",
      description = "n of the first sum_squares task (default: ${DEFAULT-VALUE}).")
  long sumBase = 10_000_000L;

  @Option(
      names = "--sum-count",
      defaultValue = "20",
      description = "sum_squares tasks (default: ${DEFAULT-VALUE}).")
  int sumCount = 20;

  @Option(
      names = "--sized-base",
      defaultValue = "250000000",
      description =
          "n of the first task of the job sized so that the work dominates, ~100 ms each"
              + " (default: ${DEFAULT-VALUE}).")
  long sizedBase = 250_000_000L;

  @Option(
      names = "--sized-count",
      defaultValue = "20",
      description = "Tasks of the sized CPU job (default: ${DEFAULT-VALUE}).")
  int sizedCount = 20;

  @Option(
      names = "--pages",
      defaultValue = "300",
      description = "Pages of the crawled site (default: ${DEFAULT-VALUE}).")
  int pages = 300;

  @Option(
      names = "--sleeps",
      defaultValue = "10000",
      description = "sleep(1 s) tasks in flight at once (default: ${DEFAULT-VALUE}).")
  int sleeps = 10_000;

  @Option(
      names = "--sleep-millis",
      defaultValue = "1000",
      description = "How long each sleep task sleeps (default: ${DEFAULT-VALUE}).")
  long sleepMillis = 1000;

  @Option(
      names = "--worker-wait",
      defaultValue = "60",
      description = "Seconds to wait for CPU and I/O workers (default: ${DEFAULT-VALUE}).")
  long workerWaitSeconds = 60;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    checkArguments();
    PrintWriter out = spec.commandLine().getOut();
    // The crawler's site starts first: the local worker's http.get must be allowed to reach it
    // (and nothing else on loopback).
    DemoSite site = DemoSite.start(pages);
    LocalCluster local = null;
    String target = coordinator;
    try {
      if (target == null) {
        local =
            LocalCluster.start(
                LocalCluster.Settings.of(0, cpuProcesses).withHttpAllow(List.of(site.allowRule())));
        target = local.target();
        out.println("Taskgrid demo on a local cluster: " + local.describe());
      } else {
        out.println(
            "Taskgrid demo on the cluster at "
                + target
                + " (its workers need --http-allow "
                + site.allowRule()
                + " for the crawler)");
      }
    } catch (IOException | RuntimeException e) {
      site.close();
      throw e;
    }
    out.flush();
    boolean ok;
    // Against a running cluster, a loopback coordinator's local token is found by the client.
    ClientOptions options =
        ClientOptions.newBuilder()
            .target(target)
            .token(local == null ? null : local.token())
            .build();
    try (site;
        TaskgridClient client = TaskgridClient.connect(options)) {
      WorkerReadiness.await(
          client, List.of(TaskPool.CPU, TaskPool.IO), Duration.ofSeconds(workerWaitSeconds), out);
      DemoReport report = new DemoReport(out);
      ok =
          new CpuJobDemo(client, report, local == null ? 0 : local.cpuProcesses())
              .run(sumBase, sumCount, sizedBase, sizedCount);
      ok &= new CrawlerDemo(client, report).run(site);
      ok &= new SleepDemo(client, report).run(sleeps, sleepMillis);
      report.summary(ok);
    } finally {
      if (local != null) {
        local.close();
      }
    }
    return ok ? 0 : TaskgridCli.EXIT_FAILURE;
  }

  private void checkArguments() {
    if (coordinator != null) {
      Addresses.checkTarget("--coordinator", coordinator);
    }
    if (cpuProcesses != null) {
      Checks.atLeast("--cpu-processes", cpuProcesses, 1);
    }
    if (sumBase < 0) {
      throw new UsageException("--sum-base: " + sumBase + " (expected: >= 0)");
    }
    Checks.atLeast("--sum-count", sumCount, 1);
    if (sizedBase < 0) {
      throw new UsageException("--sized-base: " + sizedBase + " (expected: >= 0)");
    }
    Checks.atLeast("--sized-count", sizedCount, 1);
    Checks.atLeast("--pages", pages, 1);
    Checks.atLeast("--sleeps", sleeps, 1);
    if (workerWaitSeconds < 0) {
      throw new UsageException("--worker-wait: " + workerWaitSeconds + " (expected: >= 0)");
    }
    if (sleepMillis < 0) {
      throw new UsageException("--sleep-millis: " + sleepMillis + " (expected: >= 0)");
    }
  }
}

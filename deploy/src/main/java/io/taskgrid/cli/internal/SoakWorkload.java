package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * (g) soak: a steady mixed load (70 % noop, 20 % echo checked, 9 % sleep of at most 200 ms, 1 %
 * sum_squares checked) at a fixed rate for minutes, with the coordinator, the worker and the
 * worker's CPU children sampled every {@code sampleEvery} after a forced full GC: live heap, old
 * generation, threads, file descriptors, RSS, and the coordinator's retained finished tasks (issue
 * 18). Fails when a task fails or answers wrong, when the retained tasks exceed the budget, or when
 * the coordinator's after-GC old generation grows by more than the allowed fraction.
 */
final class SoakWorkload {
  private static final Pattern METRICS_PORT = Pattern.compile("metrics on port (\\d+)");
  private static final Pattern RETAINED = Pattern.compile("(?m)^taskgrid_retained_records (\\S+)$");
  private static final Pattern BUDGET =
      Pattern.compile("(?m)^taskgrid_retained_max_records (\\S+)$");

  /** Submission ticks per second: small bursts, so that the rate is steady. */
  private static final int TICKS_PER_SECOND = 20;

  /** Without a full budget, samples before this share of the run are the warm-up. */
  private static final double WARM_UP_SHARE = 0.2;

  /** A budget this full counts as full (Hazelcast's eviction is per partition, approximate). */
  private static final double BUDGET_FULL = 0.95;

  private final BenchCluster cluster;
  private final SoakSettings settings;
  private final BenchReport report;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private long submitted;

  private record Sample(
      long seconds,
      long submitted,
      long ended,
      long retained,
      long budget,
      double load,
      List<ProcessSample> processes) {}

  SoakWorkload(BenchCluster cluster, SoakSettings settings, BenchReport report) {
    this.cluster = cluster;
    this.settings = settings;
    this.report = report;
  }

  /** Runs the load at {@code rate} tasks/s and returns when it drained and was checked. */
  void run(long rate) throws Exception {
    TaskgridClient client = cluster.client();
    int metricsPort = metricsPort();
    long start = System.nanoTime();
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("soak-sampler"));
    long every = settings.sampleEvery().toMillis();
    sampler.scheduleWithFixedDelay(
        () -> sample(metricsPort, start), every, every, TimeUnit.MILLISECONDS);
    long tick = TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
    long end = start + settings.duration().toNanos();
    // In flight beyond this (the cluster not keeping up), submitting pauses: the client's own
    // memory is not what is measured.
    long maxInFlight = Math.max(50_000, rate * 10);
    long i = 0;
    try {
      for (long next = start; next < end; next += tick) {
        LockSupport.parkNanos(next - System.nanoTime());
        long due = (long) ((System.nanoTime() - start) / 1e9 * rate) - submitted;
        if (due <= 0 || submitted - ended.get() > maxInFlight) {
          continue;
        }
        submitMix(client, i, (int) Math.min(due, rate));
        i += due;
      }
      awaitDrained(Duration.ofMinutes(2));
    } finally {
      sampler.shutdown();
      sampler.awaitTermination(5, TimeUnit.MINUTES);
    }
    sample(metricsPort, start); // the last one, after the load
    summarize(rate);
  }

  /** {@code n} tasks of the mix, the {@code first}-th onwards (the mix is by position). */
  private void submitMix(TaskgridClient client, long first, int n) {
    List<byte[]> noops = new ArrayList<>();
    List<String> echoes = new ArrayList<>();
    List<Long> sleeps = new ArrayList<>();
    List<Long> sums = new ArrayList<>();
    for (long k = first; k < first + n; k++) {
      int slot = (int) (k % 100);
      if (slot < 70) {
        noops.add(new byte[0]);
      } else if (slot < 90) {
        echoes.add("echo-" + k);
      } else if (slot < 99) {
        sleeps.add(k % 201); // 0..200 ms
      } else {
        sums.add(10_000 + k % 1_000);
      }
    }
    submitted += n;
    watch(client.map(TaskTypes.NOOP, noops), noops, (in, out) -> out.length == 0);
    watch(client.map(TaskTypes.ECHO, echoes), echoes, String::equals);
    watch(client.map(TaskTypes.SLEEP, sleeps), sleeps, (in, out) -> true);
    watch(
        client.map(TaskTypes.SUM_SQUARES, sums),
        sums,
        (in, out) -> out.equals(SumOfSquares.closedForm(in)));
  }

  private interface Check<I, O> {
    boolean ok(I input, O output);
  }

  private <I, O> void watch(List<TaskFuture<O>> futures, List<I> inputs, Check<I, O> check) {
    for (int k = 0; k < futures.size(); k++) {
      I input = inputs.get(k);
      futures
          .get(k)
          .whenComplete(
              (out, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                } else if (!check.ok(input, out)) {
                  wrong.incrementAndGet();
                }
                ended.incrementAndGet();
              });
    }
  }

  private void awaitDrained(Duration atMost) {
    cluster
        .coordinator()
        .await(atMost, "every submitted task ended", () -> ended.get() >= submitted);
  }

  private void sample(int metricsPort, long start) {
    try {
      List<ProcessSample> processes = new ArrayList<>();
      processes.add(ProcessSample.of("coordinator", cluster.coordinator().pid()));
      BenchProcess worker = cluster.worker();
      if (worker != null) {
        processes.add(ProcessSample.of("worker", worker.pid()));
        int c = 0;
        for (ProcessHandle child : worker.children()) {
          processes.add(ProcessSample.of("cpu-child-" + ++c, child.pid()));
        }
      }
      String metrics = metrics(metricsPort);
      Sample s =
          new Sample(
              (System.nanoTime() - start) / 1_000_000_000L,
              submitted,
              ended.get(),
              (long) gauge(RETAINED, metrics),
              (long) gauge(BUDGET, metrics),
              loadAverage(),
              processes);
      samples.add(s);
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "SOAK t=%ds submitted=%d ended=%d inflight=%d failed=%d wrong=%d retained=%d"
                      + " budget=%d load=%.2f",
                  s.seconds(),
                  s.submitted(),
                  s.ended(),
                  s.submitted() - s.ended(),
                  failed.get(),
                  wrong.get(),
                  s.retained(),
                  s.budget(),
                  s.load()));
      for (ProcessSample p : processes) {
        line.append(" | ").append(p.line());
      }
      report.note("%s", line);
    } catch (RuntimeException e) {
      // A process being replaced (a CPU child) or jcmd timing out: this sample is lost, the run
      // goes on; the summary counts the samples it has.
      report.note("SOAK sample failed: %s", e.getMessage());
    }
  }

  private String metrics(int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the coordinator's metrics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static double gauge(Pattern p, String metrics) {
    Matcher m = p.matcher(metrics);
    if (!m.find()) {
      throw new IllegalStateException("no " + p.pattern() + " in the coordinator's metrics");
    }
    return Double.parseDouble(m.group(1));
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(
          Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+", -1)[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private int metricsPort() {
    BenchProcess c = cluster.coordinator();
    Matcher[] m = new Matcher[1];
    c.await(
        Duration.ofSeconds(30),
        "the metrics port in the log",
        () -> (m[0] = METRICS_PORT.matcher(c.logText())).find());
    return Integer.parseInt(m[0].group(1));
  }

  private void summarize(long rate) {
    List<Sample> all = List.copyOf(samples);
    if (all.size() < 2) {
      throw new IllegalStateException("soak: fewer than 2 samples (" + all.size() + ")");
    }
    long maxRetained = all.stream().mapToLong(Sample::retained).max().orElse(0);
    long budget = all.get(all.size() - 1).budget();
    List<Sample> steady = steady(all, budget);
    long firstOld = coordinator(steady.get(0)).oldGenBytes();
    long lastOld = coordinator(steady.get(steady.size() - 1)).oldGenBytes();
    long maxOld = steady.stream().mapToLong(s -> coordinator(s).oldGenBytes()).max().orElse(0);
    double growth = (lastOld - firstOld) / (double) firstOld;
    double seconds = all.get(all.size() - 1).seconds();
    report.figure("g_soak", "rate", "tasks/s", rate);
    report.figure("g_soak", "tasks_ended", "tasks", ended.get());
    report.figure("g_soak", "tasks_failed", "tasks", failed.get());
    report.figure("g_soak", "tasks_wrong", "tasks", wrong.get());
    report.figure("g_soak", "achieved_rate", "tasks/s", ended.get() / seconds);
    report.figure("g_soak", "retained_max", "records", maxRetained);
    report.figure("g_soak", "retained_budget", "records", budget);
    report.figure("g_soak", "coordinator_old_gen_first_steady", "MB", firstOld / 1e6);
    report.figure("g_soak", "coordinator_old_gen_last", "MB", lastOld / 1e6);
    report.figure("g_soak", "coordinator_old_gen_max_steady", "MB", maxOld / 1e6);
    report.figure("g_soak", "coordinator_old_gen_growth", "%", 100 * growth);
    List<String> problems = new ArrayList<>();
    if (failed.get() > 0 || wrong.get() > 0) {
      problems.add(failed.get() + " tasks failed, " + wrong.get() + " answered wrong");
    }
    if (maxRetained > budget) {
      problems.add("retained " + maxRetained + " finished tasks, over the budget of " + budget);
    }
    if (settings.maxHeapGrowth() >= 0 && growth > settings.maxHeapGrowth()) {
      problems.add(
          String.format(
              Locale.ROOT,
              "the coordinator's after-GC old generation grew %.1f %% (%.1f -> %.1f MB), more"
                  + " than %.0f %%",
              100 * growth,
              firstOld / 1e6,
              lastOld / 1e6,
              100 * settings.maxHeapGrowth()));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("soak failed: " + String.join("; ", problems));
    }
  }

  /**
   * The samples of the steady state: from the first one that shows the budget full (until then the
   * results pile up as they should), or after the first {@link #WARM_UP_SHARE} of the run when the
   * budget never fills (the TTL bounds them first).
   */
  private List<Sample> steady(List<Sample> all, long budget) {
    int from = -1;
    for (int k = 0; k < all.size(); k++) {
      if (all.get(k).retained() >= BUDGET_FULL * budget) {
        from = k;
        break;
      }
    }
    if (from < 0) {
      long warmUp = (long) (settings.duration().toSeconds() * WARM_UP_SHARE);
      from = 0;
      while (from < all.size() - 2 && all.get(from).seconds() < warmUp) {
        from++;
      }
    }
    return all.subList(Math.min(from, all.size() - 2), all.size());
  }

  private static ProcessSample coordinator(Sample s) {
    return s.processes().get(0);
  }
}

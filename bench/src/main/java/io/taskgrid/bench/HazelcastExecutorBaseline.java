package io.taskgrid.bench;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The Java peer: Hazelcast's own {@link IExecutorService}, one member in a child JVM and this JVM
 * as a client. Workloads (a) and (b) with the same noop task in both of its forms, alternating
 * within each run: {@link NoopCallable} ({@code Serializable}, system {@code hazelcast}) and {@link
 * NoopIdsCallable} ({@code IdentifiedDataSerializable}, its fastest form, system {@code
 * hazelcast_ids}). Usage: {@code HazelcastExecutorBaseline [runs]}.
 */
public final class HazelcastExecutorBaseline {
  private static final int NOOP = 100_000;
  private static final int RTT = 10_000;

  private HazelcastExecutorBaseline() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory("hz-bench");
    Path portFile = dir.resolve("member.port");
    String cluster = "hz-bench-" + ProcessHandle.current().pid();
    Process member =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-XX:+UseParallelGC",
                "-Dhazelcast.logging.type=none",
                "-cp",
                System.getProperty("java.class.path"),
                HazelcastMember.class.getName(),
                cluster,
                portFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("member.log").toFile())
            .start();
    HazelcastInstance client = null;
    boolean finished = false;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(portFile)) {
        if (!member.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("Hazelcast member did not start; see " + dir);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      String port = Files.readString(portFile, StandardCharsets.US_ASCII);
      ClientConfig config = new ClientConfig().setClusterName(cluster);
      NoopIdsCallable.register(config.getSerializationConfig());
      config.getNetworkConfig().addAddress("127.0.0.1:" + port);
      client = HazelcastClient.newHazelcastClient(config);
      IExecutorService executor = client.getExecutorService("bench");
      // The same warm-up as taskgrid bench's: a timed round's worth of noop tasks and 50,000
      // round trips before the first timed round, so that neither side is measured colder.
      for (Form form : Form.values()) {
        noop(executor, member, form, NOOP, false);
        rtt(executor, form, RTT * 5, false);
      }
      for (int r = 0; r < runs; r++) {
        // Which form goes first alternates from run to run: neither always gets the warmer JVM.
        List<Form> order = new ArrayList<>(List.of(Form.values()));
        if (r % 2 == 1) {
          Collections.reverse(order);
        }
        for (Form form : order) {
          noop(executor, member, form, NOOP, true);
        }
        for (Form form : order) {
          rtt(executor, form, RTT, true);
        }
      }
      finished = true;
    } finally {
      if (client != null) {
        client.shutdown();
      }
      member.getOutputStream().close();
      if (!member.waitFor(15, TimeUnit.SECONDS)) {
        member.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
      // Kept when something failed: the member's log is the one clue.
      if (finished) {
        Files.deleteIfExists(portFile);
        Files.deleteIfExists(dir.resolve("member.log"));
        Files.deleteIfExists(dir);
      }
    }
  }

  /** The task's serialization, and the system name its figures are reported under. */
  private enum Form {
    SERIALIZABLE("hazelcast"),
    IDENTIFIED_DATA_SERIALIZABLE("hazelcast_ids");

    final String system;

    Form(String system) {
      this.system = system;
    }

    Callable<Integer> task() {
      return this == SERIALIZABLE ? new NoopCallable() : new NoopIdsCallable();
    }
  }

  private static Duration cpu(Process p) {
    return p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static void noop(
      IExecutorService executor, Process member, Form form, int n, boolean record) {
    Duration cpu0 = cpu(member);
    long start = System.nanoTime();
    List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      CompletableFuture<Integer> f = new CompletableFuture<>();
      executor.submit(
          form.task(),
          new ExecutionCallback<Integer>() {
            @Override
            public void onResponse(Integer response) {
              f.complete(response);
            }

            @Override
            public void onFailure(Throwable t) {
              f.completeExceptionally(t);
            }
          });
      futures.add(f);
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new)).join();
    double s = (System.nanoTime() - start) / 1e9;
    Duration cpu = cpu(member).minus(cpu0);
    if (record) {
      Results.figure(form.system, "a_noop", "throughput", "tasks/s", n / s);
      Results.figure(
          form.system, "a_noop", "coordinator_cpu_per_task", "us", cpu.toNanos() / 1e3 / n);
    }
  }

  private static void rtt(IExecutorService executor, Form form, int n, boolean record)
      throws Exception {
    Histogram h = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      executor.submit(form.task()).get();
      h.recordValue((System.nanoTime() - t0) / 1000);
    }
    if (record) {
      Results.figure(form.system, "b_rtt", "p50", "us", h.getValueAtPercentile(50));
      Results.figure(form.system, "b_rtt", "p99", "us", h.getValueAtPercentile(99));
    }
  }
}

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The Java peer: Hazelcast's own {@link IExecutorService}, one member in a child JVM and this JVM
 * as a client. Workloads (a) and (b) with the same noop task. Usage: {@code
 * HazelcastExecutorBaseline [runs]}.
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
      config.getNetworkConfig().addAddress("127.0.0.1:" + port);
      client = HazelcastClient.newHazelcastClient(config);
      IExecutorService executor = client.getExecutorService("bench");
      noop(executor, member, NOOP / 10, false);
      rtt(executor, RTT / 5, false);
      for (int r = 0; r < runs; r++) {
        noop(executor, member, NOOP, true);
        rtt(executor, RTT, true);
      }
    } finally {
      if (client != null) {
        client.shutdown();
      }
      member.getOutputStream().close();
      if (!member.waitFor(15, TimeUnit.SECONDS)) {
        member.destroyForcibly();
      }
    }
  }

  private static Duration cpu(Process p) {
    return p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static void noop(IExecutorService executor, Process member, int n, boolean record) {
    Duration cpu0 = cpu(member);
    long start = System.nanoTime();
    List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      CompletableFuture<Integer> f = new CompletableFuture<>();
      executor.submit(
          new NoopCallable(),
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
      Results.figure("hazelcast", "a_noop", "throughput", "tasks/s", n / s);
      Results.figure(
          "hazelcast", "a_noop", "coordinator_cpu_per_task", "us", cpu.toNanos() / 1e3 / n);
    }
  }

  private static void rtt(IExecutorService executor, int n, boolean record) throws Exception {
    Histogram h = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      executor.submit(new NoopCallable()).get();
      h.recordValue((System.nanoTime() - t0) / 1000);
    }
    if (record) {
      Results.figure("hazelcast", "b_rtt", "p50", "us", h.getValueAtPercentile(50));
      Results.figure("hazelcast", "b_rtt", "p99", "us", h.getValueAtPercentile(99));
    }
  }
}

package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.worker.internal.metrics.WorkerMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker and a coordinator that goes away and comes back on the same port, over real TCP (Netty)
 * so that the channel's own connect backoff is in play.
 */
class WorkerReconnectTest {
  /** The reconnect backoff is capped at 2 s by default; the rest is slack for a busy machine. */
  private static final Duration RECONNECT_WITHIN = Duration.ofSeconds(4);

  private final CollectorRegistry registry = new CollectorRegistry();
  private @Nullable Server server;
  private @Nullable Worker worker;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (worker != null) {
      worker.close();
    }
    stop(server);
  }

  @Test
  void coordinatorRestartedOnSamePort_workerBackWithinTheBackoffCap() throws Exception {
    FakeCoordinator first = new FakeCoordinator();
    server = start(first, 0);
    int port = server.getPort();
    String target = "127.0.0.1:" + port;
    worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(target))
                .cpuProcesses(0)
                .ioCapacity(10)
                .metricsRegistry(registry)
                .build());
    await().atMost(Duration.ofSeconds(10)).until(() -> connected(target) == 1.0);
    assertThat(first.hellos).hasSize(1);
    assertThat(freeIoSlots()).isEqualTo(10.0);

    stop(server);
    await().atMost(Duration.ofSeconds(10)).until(() -> connected(target) == 0.0);
    // Cut off from its only coordinator, the worker shows no free slot (nobody can use them).
    assertThat(freeIoSlots()).isEqualTo(0.0);
    // Down long enough for six failed attempts: 0.1 + 0.2 + 0.4 + 0.8 + 1.6 + 2 s of backoff,
    // by which time the channel's own backoff alone would wait several seconds more.
    double before = reconnects(target);
    await().atMost(Duration.ofSeconds(30)).until(() -> reconnects(target) >= before + 6);

    FakeCoordinator second = new FakeCoordinator();
    server = start(second, port);
    long restarted = System.nanoTime();
    await().atMost(RECONNECT_WITHIN).until(() -> !second.hellos.isEmpty());
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
    System.out.println("worker reconnected " + tookMillis + " ms after the coordinator restarted");

    await().atMost(Duration.ofSeconds(5)).until(() -> connected(target) == 1.0);
    second.submit("after-restart", "echo", Pool.IO, "still here");
    await().atMost(Duration.ofSeconds(10)).until(() -> second.result("after-restart") != null);
    assertThat(second.result("after-restart").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void metrics_beforeFirstConnection_coordinatorSeriesAtZero() throws Exception {
    String target = "127.0.0.1:" + unusedPort();
    worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(target))
                .cpuProcesses(0)
                .metricsRegistry(registry)
                .build());

    assertThat(connected(target)).isEqualTo(0.0);
    await().atMost(Duration.ofSeconds(10)).until(() -> reconnects(target) >= 2);
    assertThat(connected(target)).isEqualTo(0.0);
    assertThat(freeIoSlots()).isEqualTo(0.0);
  }

  private double freeIoSlots() {
    return registry.getSampleValue(
        WorkerMetrics.SLOTS_FREE, new String[] {"pool"}, new String[] {"io"});
  }

  private double connected(String target) {
    Double v =
        registry.getSampleValue(
            WorkerMetrics.COORDINATOR_CONNECTED,
            new String[] {"coordinator"},
            new String[] {target});
    return v == null ? -1 : v;
  }

  private double reconnects(String target) {
    Double v =
        registry.getSampleValue(
            WorkerMetrics.COORDINATOR_RECONNECTS + "_total",
            new String[] {"coordinator"},
            new String[] {target});
    return v == null ? -1 : v;
  }

  private static Server start(FakeCoordinator coordinator, int port) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .directExecutor()
        .addService(coordinator)
        .build()
        .start();
  }

  private static void stop(@Nullable Server s) throws InterruptedException {
    if (s != null) {
      s.shutdownNow();
      s.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static int unusedPort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

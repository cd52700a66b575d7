package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same client over real HTTP/2 framing on loopback, which the in-process transport skips. */
class NettyTransportTest {
  private final FakeTaskService fake = new FakeTaskService();
  private Server server;

  @BeforeEach
  void setUp() throws Exception {
    fake.autoComplete = true;
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(fake)
            .build()
            .start();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void connect_realNettyServer_mapRoundTripsInOrder() {
    List<String> inputs = IntStream.range(0, 1_000).mapToObj(i -> "page-" + i).toList();

    try (TaskgridClient client = TaskgridClient.connect("127.0.0.1:" + server.getPort())) {
      List<TaskFuture<String>> futures = client.map(TaskTypes.ECHO, inputs);

      assertThat(Futures.gather(futures)).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(inputs);
      assertThat(client.pendingCount()).isZero();
    }
    assertThat(fake.submitMessages()).isLessThan(100);
  }

  @Test
  void close_afterUse_leavesNoClientThreads() {
    try (TaskgridClient client = TaskgridClient.connect("127.0.0.1:" + server.getPort())) {
      assertThat(client.submit(TaskTypes.ECHO, "x")).succeedsWithin(Duration.ofSeconds(20));
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .extracting(Thread::getName)
                    .noneMatch(n -> n.startsWith("taskgrid-client-")));
  }
}

package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The worker over real Netty on loopback, connecting by target as in production. */
class WorkerNettyTest {

  @Test
  void start_realNettyCoordinator_runsTasksOverTheWire() throws Exception {
    FakeCoordinator coordinator = new FakeCoordinator();
    var executor = Executors.newFixedThreadPool(2);
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .executor(executor)
            .addService(coordinator)
            .build()
            .start();
    String target = "127.0.0.1:" + server.getPort();
    try (Worker worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(target))
                .cpuProcesses(0)
                .ioCapacity(50)
                .workerId("netty-worker")
                .build())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.held(Pool.IO) == 50);
      assertThat(coordinator.hellos.get(0).getWorkerId()).isEqualTo("netty-worker");

      IntStream.range(0, 200).forEach(i -> coordinator.submit("w" + i, "echo", Pool.IO, "m" + i));

      await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.results.size() == 200);
      TaskResult r = coordinator.result("w7");
      assertThat(r.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(r.getOutput().getData().toStringUtf8()).isEqualTo("m7");
      assertThat(coordinator.violations).isEmpty();
    } finally {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      executor.shutdownNow();
    }
  }
}

package io.taskgrid.worker;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.taskgrid.client.Codecs;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A fake coordinator on an in-process server and a worker connected to it. */
final class WorkerHarness implements AutoCloseable {
  final FakeCoordinator coordinator = new FakeCoordinator();
  final Server server;
  final ManagedChannel channel;
  final Worker worker;

  WorkerHarness(WorkerOptions.Builder options) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(coordinator)
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    worker =
        Worker.start(
            options
                .channels(List.of(channel))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build());
    await().atMost(Duration.ofSeconds(10)).until(() -> !coordinator.hellos.isEmpty());
  }

  /** Queues a CPU task whose input is the decimal {@code value} (the CPU handlers' codec). */
  void submitDecimal(String id, String type, String value, long timeoutMs) {
    coordinator.submit(
        id, type, Pool.CPU, value.getBytes(StandardCharsets.US_ASCII), Codecs.DECIMAL, timeoutMs);
  }

  /** Waits until task {@code id} has reported progress starting with {@code prefix}. */
  void awaitProgress(String id, String prefix) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                coordinator.progress.stream()
                    .anyMatch(p -> p.getTaskId().equals(id) && p.getMessage().startsWith(prefix)));
  }

  /** The live child processes of the test JVM: the worker's CPU children, by pid. */
  static List<Long> childPids() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .sorted()
        .toList();
  }

  TaskResult awaitResult(String id) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> coordinator.result(id), r -> r != null);
  }

  @Override
  public void close() throws InterruptedException {
    worker.close();
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}

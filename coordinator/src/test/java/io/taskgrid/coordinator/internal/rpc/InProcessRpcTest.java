package io.taskgrid.coordinator.internal.rpc;

import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.CoordinatorRuntime;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;

/** The RPC suite on an in-process server with the in-memory store (a fresh one per test). */
class InProcessRpcTest extends CoordinatorRpcContractTest {
  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    CoordinatorOptions options = testOptions().build();
    runtime =
        CoordinatorRuntime.create(
            options, exec -> new InMemoryTaskStore(options.clock(), options.resultTtl(), exec));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    for (BindableService s : runtime.services()) {
      builder.addService(s);
    }
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @Override
  void afterClients() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runtime.close();
  }

  @Override
  Channel channel() {
    return channel;
  }

  @Override
  Scheduler scheduler() {
    return runtime.scheduler();
  }
}

package io.taskgrid.client;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** A {@link FakeTaskService} on an in-process gRPC server, and a client connected to it. */
final class InProcessCoordinator implements AutoCloseable {
  final FakeTaskService fake = new FakeTaskService();
  private final Server server;
  private final ManagedChannel channel;
  private TaskgridClient client;

  InProcessCoordinator() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = TaskgridClient.create(channel, ClientOptions.newBuilder().build());
  }

  /** The client connected last. */
  TaskgridClient client() {
    return client;
  }

  /** Closes the current client and connects a new one with other options. */
  TaskgridClient reconnect(ClientOptions options) {
    client.close();
    client = TaskgridClient.create(channel, options);
    return client;
  }

  @Override
  public void close() throws InterruptedException {
    client.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}

package io.taskgrid.cli.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.util.concurrent.TimeUnit;

/**
 * A worker that only announces task types on the real worker stream and takes no task (it grants no
 * credit): what a plugin worker looks like to the coordinator, without building a plugin jar.
 * Closing it leaves, so the coordinator then remembers its types with no worker offering them.
 */
final class AnnouncingWorker implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final StreamObserver<WorkerMessage> requests;

  AnnouncingWorker(String target, String token, String id, Pool pool, String... types) {
    channel =
        ManagedChannelBuilder.forTarget(target).usePlaintext().intercept(bearer(token)).build();
    requests =
        WorkerServiceGrpc.newStub(channel)
            .connect(
                new StreamObserver<CoordinatorMessage>() {
                  @Override
                  public void onNext(CoordinatorMessage value) {}

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        WorkerMessage.newBuilder()
            .setHello(
                WorkerHello.newBuilder()
                    .setWorkerId(id)
                    .setNode("test-node")
                    .addPools(
                        PoolSpec.newBuilder()
                            .setPool(pool)
                            .setCapacity(1)
                            .addAllHandlers(java.util.List.of(types))))
            .build());
  }

  @Override
  public void close() throws InterruptedException {
    requests.onCompleted();
    channel.shutdown();
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
      channel.shutdownNow();
    }
  }

  private static ClientInterceptor bearer(String token) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(AUTHORIZATION, "Bearer " + token);
            super.start(listener, headers);
          }
        };
      }
    };
  }
}

package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a coordinator exposes beyond its services: metrics on loopback, reflection opt-in. */
class CoordinatorExposureTest {
  @Test
  void start_defaults_metricsOnLoopbackOnlyAndNoReflection() throws Exception {
    try (Coordinator c = start(CoordinatorOptions.newBuilder())) {
      connect(InetAddress.getLoopbackAddress(), c.metricsPort());
      Optional<InetAddress> other = nonLoopbackAddress();
      if (other.isPresent()) {
        assertThatThrownBy(() -> connect(other.get(), c.metricsPort()))
            .isInstanceOf(ConnectException.class);
      }

      assertThatThrownBy(() -> listServices(c.port()))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode())
                      .isEqualTo(Status.Code.UNIMPLEMENTED));
    }
  }

  @Test
  void start_metricsHostWildcardAndReflection_bothServed() throws Exception {
    Optional<InetAddress> other = nonLoopbackAddress();
    assumeTrue(other.isPresent(), "this host has no non-loopback IPv4 address to try");
    try (Coordinator c =
        start(CoordinatorOptions.newBuilder().metricsHost("0.0.0.0").reflection(true))) {
      connect(other.get(), c.metricsPort());

      assertThat(listServices(c.port()))
          .contains("taskgrid.v1.TaskService", "taskgrid.v1.WorkerService");
    }
  }

  private static Coordinator start(CoordinatorOptions.Builder options) throws Exception {
    return Coordinator.start(
        options
            .host("0.0.0.0")
            .insecureAllowPlaintextOnNetwork(true) // this test is about the metrics endpoint
            .port(0)
            .hazelcastPort(0)
            .metricsPort(0)
            .clusterName("exposure-" + System.nanoTime())
            .build());
  }

  private static void connect(InetAddress address, int port) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 5_000);
    }
  }

  private static List<String> listServices(int port) throws Exception {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      CompletableFuture<List<String>> names = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests =
          ServerReflectionGrpc.newStub(channel)
              .serverReflectionInfo(
                  new StreamObserver<ServerReflectionResponse>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                      names.complete(
                          r.getListServicesResponse().getServiceList().stream()
                              .map(s -> s.getName())
                              .toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                      names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                      names.completeExceptionally(new IllegalStateException("no answer"));
                    }
                  });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      try {
        return names.get(10, TimeUnit.SECONDS);
      } finally {
        requests.onCompleted();
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return Optional.of(a);
          }
        }
      }
    }
    return Optional.empty();
  }
}

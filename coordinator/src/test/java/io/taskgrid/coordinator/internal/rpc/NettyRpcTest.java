package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RPC suite over real Netty on 127.0.0.1:0, against a full {@link Coordinator} with its own
 * standalone Hazelcast member (one per class: starting a member takes about a second).
 */
class NettyRpcTest extends CoordinatorRpcContractTest {
  private static Coordinator coordinator;
  private static ManagedChannel channel;

  @BeforeAll
  static void startCoordinator() throws IOException {
    coordinator = Coordinator.start(testOptions().build());
    channel = NettyChannelBuilder.forTarget(coordinator.target()).usePlaintext().build();
  }

  @AfterAll
  static void stopCoordinator() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    coordinator.close();
  }

  @Override
  Channel channel() {
    return channel;
  }

  @Override
  Scheduler scheduler() {
    return coordinator.runtime().scheduler();
  }

  @Test
  void health_afterStart_serving() {
    HealthCheckResponse r =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService("taskgrid.v1.TaskService").build());

    assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(coordinator.port()).isPositive();
    assertThat(coordinator.target()).isEqualTo("127.0.0.1:" + coordinator.port());
  }

  @Test
  void submit_batchAboveGrpcDefaultMessageLimit_perTaskResourceExhaustedAcks() {
    // 2 x 3 MiB = 6 MiB in one message: above gRPC's 4 MiB default, so this only passes
    // because the server raises maxInboundMessageSize and checks the payload limit per task.
    String big = "z".repeat(3 * 1024 * 1024);
    var req =
        io.taskgrid.proto.v1.SubmitRequest.newBuilder()
            .addTasks(echo("a", big))
            .addTasks(echo("b", big))
            .build();

    var acks = stub().submit(req).getAcksList();

    assertThat(acks)
        .extracting(io.taskgrid.proto.v1.SubmitAck::getCode)
        .containsExactly("RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED");
  }
}

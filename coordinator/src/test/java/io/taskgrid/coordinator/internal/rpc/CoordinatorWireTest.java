package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WatchResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's transport-level contract on a real {@link Coordinator} (Netty on 127.0.0.1:0, its own
 * Hazelcast member): undecodable bytes are INVALID_ARGUMENT on every service the server binds, and
 * a stopping coordinator ends every open stream UNAVAILABLE (which retry policies retry), not
 * CANCELLED.
 */
class CoordinatorWireTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final byte[] JUNK = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};

  private @Nullable Coordinator coordinator;
  private @Nullable ManagedChannel channel;

  private ManagedChannel start() throws Exception {
    coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .clusterName("wire-test-" + System.nanoTime())
                .build());
    channel = NettyChannelBuilder.forTarget(coordinator.target()).usePlaintext().build();
    return channel;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  void undecodableBytes_everyServiceOfTheRealServer_invalidArgument() throws Exception {
    ManagedChannel ch = start();

    for (String method :
        new String[] {
          "taskgrid.v1.TaskService/Submit",
          "taskgrid.v1.TaskService/GetServerInfo",
          "taskgrid.v1.TaskService/Watch",
          "grpc.health.v1.Health/Check"
        }) {
      MethodDescriptor.MethodType type =
          method.endsWith("Watch")
              ? MethodDescriptor.MethodType.SERVER_STREAMING
              : MethodDescriptor.MethodType.UNARY;
      StatusRuntimeException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class,
              () ->
                  ClientCalls.blockingServerStreamingCall(
                          ch,
                          raw(method, type),
                          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                          JUNK)
                      .forEachRemaining(r -> {}),
              method);
      assertThat(e.getStatus().getCode()).as(method).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).as(method).contains("malformed request");
    }
    for (String method :
        new String[] {"taskgrid.v1.TaskService/Session", "taskgrid.v1.WorkerService/Connect"}) {
      ClientCall<byte[], byte[]> call =
          ch.newCall(raw(method, MethodDescriptor.MethodType.BIDI_STREAMING), CallOptions.DEFAULT);
      LimitsRpcTest.RecordingListener listener = new LimitsRpcTest.RecordingListener();
      call.start(listener, new io.grpc.Metadata());
      call.request(1);
      call.sendMessage(JUNK);
      await().atMost(WAIT).until(() -> listener.status != null);
      assertThat(listener.status.getCode()).as(method).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }

  @Test
  void close_openSessionWatchAndWorkerStreams_eachEndsUnavailable() throws Exception {
    ManagedChannel ch = start();
    FakeWorker worker = new FakeWorker(ch, "stop-w", false, "echo");
    SessionClient session = new SessionClient(ch);
    session.submit(
        TaskSpec.newBuilder()
            .setId("queued")
            .setType("echo")
            .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("x")))
            .build());
    await().atMost(WAIT).until(() -> session.acks.size() == 1);
    WatchRecorder watch = new WatchRecorder();
    TaskServiceGrpc.newStub(ch)
        .watch(WatchRequest.newBuilder().addTaskIds("queued").build(), watch);
    await().atMost(WAIT).until(() -> coordinator.runtime().scheduler().connectedWorkers() == 1);

    coordinator.close();

    await().atMost(WAIT).until(() -> session.error != null && watch.error != null);
    await().atMost(WAIT).until(() -> worker.error != null);
    assertThat(Status.fromThrowable(session.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(Status.fromThrowable(watch.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(Status.fromThrowable(worker.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(Status.fromThrowable(session.error).getDescription()).contains("stopping");
    coordinator = null;
  }

  private static MethodDescriptor<byte[], byte[]> raw(
      String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(fullName)
        .setRequestMarshaller(LimitsRpcTest.BytesMarshaller.INSTANCE)
        .setResponseMarshaller(LimitsRpcTest.BytesMarshaller.INSTANCE)
        .build();
  }

  /** Records how a Watch call ended. */
  private static final class WatchRecorder implements StreamObserver<WatchResponse> {
    volatile @Nullable Throwable error;

    @Override
    public void onNext(WatchResponse value) {}

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }
}

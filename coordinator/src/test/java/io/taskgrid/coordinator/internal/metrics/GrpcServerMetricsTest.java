package io.taskgrid.coordinator.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcServerMetricsTest {
  private static final String CHECK = HealthGrpc.getCheckMethod().getFullMethodName();
  private static final String WATCH = HealthGrpc.getWatchMethod().getFullMethodName();

  private final CollectorRegistry registry = new CollectorRegistry();
  // Each read of the clock moves it 1 ms: a unary call reads it at its start and at its close.
  private final AtomicLong clock = new AtomicLong();
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    GrpcServerMetrics metrics =
        GrpcServerMetrics.register(registry, () -> clock.addAndGet(1_000_000));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(metrics.bind(health.getHealthService().bindService()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void tearDown() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void bind_seriesOfEveryBoundMethodExistAtZero() {
    assertThat(value(GrpcServerMetrics.STARTED + "_total", CHECK)).isEqualTo(0.0);
    assertThat(value(GrpcServerMetrics.STARTED + "_total", WATCH)).isEqualTo(0.0);
    assertThat(handled(CHECK, "OK")).isEqualTo(0.0);
    assertThat(value(GrpcServerMetrics.HANDLING_SECONDS + "_count", CHECK)).isEqualTo(0.0);
    assertThat(value(GrpcServerMetrics.MSG_SENT + "_total", WATCH)).isEqualTo(0.0);
    // Unary methods have no message counters, streams no latency histogram.
    assertThat(value(GrpcServerMetrics.MSG_SENT + "_total", CHECK)).isNull();
    assertThat(value(GrpcServerMetrics.HANDLING_SECONDS + "_count", WATCH)).isNull();
  }

  @Test
  void unaryCalls_countedByCode_latencyObserved() {
    HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel);
    stub.check(HealthCheckRequest.getDefaultInstance());
    stub.check(HealthCheckRequest.getDefaultInstance());
    assertThatThrownBy(() -> stub.check(HealthCheckRequest.newBuilder().setService("no").build()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);

    assertThat(value(GrpcServerMetrics.STARTED + "_total", CHECK)).isEqualTo(3.0);
    assertThat(handled(CHECK, "OK")).isEqualTo(2.0);
    assertThat(handled(CHECK, "NOT_FOUND")).isEqualTo(1.0);
    assertThat(value(GrpcServerMetrics.HANDLING_SECONDS + "_count", CHECK)).isEqualTo(3.0);
    // Start and close each read the fake clock once: exactly 1 ms per call.
    assertThat(value(GrpcServerMetrics.HANDLING_SECONDS + "_sum", CHECK))
        .isCloseTo(0.003, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(
            registry.getSampleValue(
                GrpcServerMetrics.HANDLING_SECONDS + "_bucket",
                new String[] {"method", "le"},
                new String[] {CHECK, "5.0E-4"}))
        .isEqualTo(0.0);
    assertThat(
            registry.getSampleValue(
                GrpcServerMetrics.HANDLING_SECONDS + "_bucket",
                new String[] {"method", "le"},
                new String[] {CHECK, "0.001"}))
        .isEqualTo(3.0);
  }

  @Test
  void serverStream_messagesCounted_clientCancelHandledAsCancelled() throws Exception {
    health.setStatus("svc", HealthCheckResponse.ServingStatus.SERVING);
    Context.CancellableContext ctx = Context.current().withCancellation();
    Context previous = ctx.attach();
    try {
      Iterator<HealthCheckResponse> updates =
          HealthGrpc.newBlockingStub(channel)
              .watch(HealthCheckRequest.newBuilder().setService("svc").build());
      assertThat(updates.next().getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      health.setStatus("svc", HealthCheckResponse.ServingStatus.NOT_SERVING);
      assertThat(updates.next().getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
    } finally {
      ctx.detach(previous);
      ctx.cancel(null);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(handled(WATCH, "CANCELLED")).isEqualTo(1.0));
    assertThat(value(GrpcServerMetrics.STARTED + "_total", WATCH)).isEqualTo(1.0);
    assertThat(value(GrpcServerMetrics.MSG_RECEIVED + "_total", WATCH)).isEqualTo(1.0);
    assertThat(value(GrpcServerMetrics.MSG_SENT + "_total", WATCH)).isEqualTo(2.0);
    assertThat(handled(WATCH, "OK")).isEqualTo(0.0);
  }

  @Test
  void innerInterceptorThrows_statusGrpcSendsIsRecorded() throws Exception {
    CollectorRegistry own = new CollectorRegistry();
    GrpcServerMetrics metrics = GrpcServerMetrics.register(own, () -> 0);
    ServerInterceptor refusing =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            throw Status.PERMISSION_DENIED.withDescription("no").asRuntimeException();
          }
        };
    String name = InProcessServerBuilder.generateName();
    Server refusingServer =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                metrics.bind(
                    ServerInterceptors.intercept(
                        new HealthStatusManager().getHealthService().bindService(), refusing)))
            .build()
            .start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      assertThatThrownBy(
              () -> HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      ch.shutdownNow();
      refusingServer.shutdownNow();
    }

    assertThat(
            own.getSampleValue(
                GrpcServerMetrics.HANDLED + "_total",
                new String[] {"method", "code"},
                new String[] {CHECK, "PERMISSION_DENIED"}))
        .isEqualTo(1.0);
  }

  @Test
  void unboundMethod_unimplemented_createsNoSeries() {
    String getTask = TaskServiceGrpc.getGetTaskMethod().getFullMethodName();

    assertThatThrownBy(
            () ->
                TaskServiceGrpc.newBlockingStub(channel)
                    .getTask(GetTaskRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);

    assertThat(value(GrpcServerMetrics.STARTED + "_total", getTask)).isNull();
    assertThat(handled(getTask, "UNIMPLEMENTED")).isNull();
  }

  private Double value(String name, String method) {
    return registry.getSampleValue(name, new String[] {"method"}, new String[] {method});
  }

  private Double handled(String method, String code) {
    return registry.getSampleValue(
        GrpcServerMetrics.HANDLED + "_total",
        new String[] {"method", "code"},
        new String[] {method, code});
  }
}

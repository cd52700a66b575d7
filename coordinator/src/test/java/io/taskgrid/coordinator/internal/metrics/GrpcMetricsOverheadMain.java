package io.taskgrid.coordinator.internal.metrics;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import java.util.Arrays;

/**
 * Measures what the gRPC server metrics cost per call: the health service's unary Check driven
 * straight through its server call handler (no transport, so what differs is the interceptor), with
 * and without {@link GrpcServerMetrics#bind}. Not a test: run it by hand (see docs/METRICS.md);
 * speed is never asserted.
 */
public final class GrpcMetricsOverheadMain {
  private static final int ROUNDS = 7;

  private GrpcMetricsOverheadMain() {}

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    ServerServiceDefinition plain = new HealthStatusManager().getHealthService().bindService();
    ServerServiceDefinition measured =
        GrpcServerMetrics.register(new CollectorRegistry())
            .bind(new HealthStatusManager().getHealthService().bindService());
    double[] with = new double[ROUNDS];
    double[] without = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      without[round] = nanosPerCall(plain, calls);
      with[round] = nanosPerCall(measured, calls);
      System.out.printf(
          "round %d: %.1f ns per unary call with metrics, %.1f ns without%n",
          round, with[round], without[round]);
    }
    Arrays.sort(with);
    Arrays.sort(without);
    System.out.printf(
        "median: %.1f ns with, %.1f ns without: overhead %.1f ns per unary call%n",
        with[ROUNDS / 2], without[ROUNDS / 2], with[ROUNDS / 2] - without[ROUNDS / 2]);
    // A stream message costs what the wrappers add to it: one labelled counter add.
    Counter.Child counter =
        Counter.build("m", "h").labelNames("method").withoutExemplars().create().labels("x");
    double[] message = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        counter.inc();
      }
      message[round] = (double) (System.nanoTime() - start) / calls;
    }
    Arrays.sort(message);
    System.out.printf(
        "median: %.1f ns per stream message (one counter add; %.0f counted)%n",
        message[ROUNDS / 2], counter.get());
  }

  @SuppressWarnings("unchecked")
  private static double nanosPerCall(ServerServiceDefinition service, int calls) {
    MethodDescriptor<HealthCheckRequest, HealthCheckResponse> method = HealthGrpc.getCheckMethod();
    ServerCallHandler<HealthCheckRequest, HealthCheckResponse> handler =
        (ServerCallHandler<HealthCheckRequest, HealthCheckResponse>)
            service.getMethod(method.getFullMethodName()).getServerCallHandler();
    HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
    NullCall call = new NullCall(method);
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      ServerCall.Listener<HealthCheckRequest> l = handler.startCall(call, new Metadata());
      l.onReady();
      l.onMessage(request);
      l.onHalfClose();
      l.onComplete();
    }
    double ns = (double) (System.nanoTime() - start) / calls;
    if (call.closed != calls) {
      throw new IllegalStateException("calls closed: " + call.closed);
    }
    return ns;
  }

  /** A server call that goes nowhere: the transport's part is left out of the measurement. */
  private static final class NullCall extends ServerCall<HealthCheckRequest, HealthCheckResponse> {
    private final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> method;
    int closed;

    NullCall(MethodDescriptor<HealthCheckRequest, HealthCheckResponse> method) {
      this.method = method;
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(HealthCheckResponse message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      closed++;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<HealthCheckRequest, HealthCheckResponse> getMethodDescriptor() {
      return method;
    }
  }
}

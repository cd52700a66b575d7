package io.taskgrid.coordinator.internal.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * gRPC server metrics: calls started and handled (by status code) per method, unary handling time,
 * and messages received and sent on streams.
 *
 * <p>The {@code method} label is bounded: it only takes the full names of the methods of the
 * services bound through {@link #bind}, resolved into label children when the service is bound. A
 * call to any other name never reaches an interceptor (the server answers UNIMPLEMENTED itself).
 * The {@code code} child of a method is resolved on its first use and kept in an array indexed by
 * status code ({@code OK} exists from the start). Per call the cost is one map lookup, two small
 * wrappers (the call and its listener) and the counter adds; per stream message one counter add, no
 * allocation.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
  public static final String STARTED = "taskgrid_grpc_server_started";
  public static final String HANDLED = "taskgrid_grpc_server_handled";
  public static final String HANDLING_SECONDS = "taskgrid_grpc_server_handling_seconds";
  public static final String MSG_RECEIVED = "taskgrid_grpc_server_msg_received";
  public static final String MSG_SENT = "taskgrid_grpc_server_msg_sent";

  /** Bucket bounds in seconds: 100 µs (an in-memory answer) to 10 s (a store in trouble). */
  static final double[] BUCKETS = {
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10
  };

  private static final Status.Code[] CODES = Status.Code.values();

  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(MonitoredCall.class, "done", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Counter started;
  private final Counter handled;
  private final Histogram handling;
  private final Counter received;
  private final Counter sent;
  private final LongSupplier nanos;
  private final Map<String, MethodMetrics> methods = new ConcurrentHashMap<>();

  private GrpcServerMetrics(CollectorRegistry registry, LongSupplier nanos) {
    this.nanos = nanos;
    started =
        Counter.build(STARTED, "gRPC calls started on the server, by full method name.")
            .labelNames("method")
            .withoutExemplars()
            .register(registry);
    handled =
        Counter.build(HANDLED, "gRPC calls completed on the server, by method and status code.")
            .labelNames("method", "code")
            .withoutExemplars()
            .register(registry);
    handling =
        Histogram.build(
                HANDLING_SECONDS,
                "Time from the start of a unary call to its status, by method (unary calls only).")
            .labelNames("method")
            .buckets(BUCKETS)
            .withoutExemplars()
            .register(registry);
    received =
        Counter.build(MSG_RECEIVED, "Messages received on streaming gRPC calls, by method.")
            .labelNames("method")
            .withoutExemplars()
            .register(registry);
    sent =
        Counter.build(MSG_SENT, "Messages sent on streaming gRPC calls, by method.")
            .labelNames("method")
            .withoutExemplars()
            .register(registry);
  }

  /** Registers the metrics on {@code registry}; bind services with {@link #bind}. */
  public static GrpcServerMetrics register(CollectorRegistry registry) {
    return new GrpcServerMetrics(registry, System::nanoTime);
  }

  /** As {@link #register(CollectorRegistry)}, with the given nanosecond clock (for tests). */
  static GrpcServerMetrics register(CollectorRegistry registry, LongSupplier nanos) {
    return new GrpcServerMetrics(registry, nanos);
  }

  /**
   * {@code service} with this interceptor outermost: it sees every call to the service, including
   * those refused by interceptors already on it (authentication, the serving gate). Its methods'
   * series are created (at 0) now.
   */
  public ServerServiceDefinition bind(ServerServiceDefinition service) {
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      String name = m.getMethodDescriptor().getFullMethodName();
      MethodType type = m.getMethodDescriptor().getType();
      methods.computeIfAbsent(name, n -> new MethodMetrics(n, type == MethodType.UNARY));
    }
    return ServerInterceptors.intercept(service, this);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MethodMetrics m = methods.get(call.getMethodDescriptor().getFullMethodName());
    if (m == null) {
      // Only reachable if this interceptor is added without bind(): such a method has no series.
      return next.startCall(call, headers);
    }
    m.started.inc();
    MonitoredCall<ReqT, RespT> monitored =
        new MonitoredCall<>(call, m, m.unary ? nanos.getAsLong() : 0);
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(monitored, headers);
    } catch (RuntimeException e) {
      // gRPC closes the stream itself, past our wrapper: record the status it will send.
      monitored.record(Status.fromThrowable(e).getCode());
      throw e;
    }
    return new MonitoredListener<>(listener, monitored);
  }

  /** One method's label children, resolved once. */
  private final class MethodMetrics {
    final String name;
    final boolean unary;
    final Counter.Child started;
    final AtomicReferenceArray<Counter.Child> handledByCode =
        new AtomicReferenceArray<>(CODES.length);
    final Histogram.@Nullable Child handling;
    final Counter.@Nullable Child received;
    final Counter.@Nullable Child sent;

    MethodMetrics(String name, boolean unary) {
      this.name = name;
      this.unary = unary;
      started = GrpcServerMetrics.this.started.labels(name);
      handled(Status.Code.OK);
      handling = unary ? GrpcServerMetrics.this.handling.labels(name) : null;
      received = unary ? null : GrpcServerMetrics.this.received.labels(name);
      sent = unary ? null : GrpcServerMetrics.this.sent.labels(name);
    }

    void ended(Status.Code code, long startNanos) {
      handled(code).inc();
      Histogram.Child h = handling;
      if (h != null) {
        h.observe((nanos.getAsLong() - startNanos) / 1e9);
      }
    }

    Counter.Child handled(Status.Code code) {
      Counter.Child c = handledByCode.get(code.ordinal());
      if (c == null) {
        // Racing threads get the same child: labels() is idempotent.
        c = handled.labels(name, code.name());
        handledByCode.set(code.ordinal(), c);
      }
      return c;
    }
  }

  /** Counts sent messages and records the status once, when the call closes. */
  private static final class MonitoredCall<ReqT, RespT>
      extends SimpleForwardingServerCall<ReqT, RespT> {
    final MethodMetrics method;
    final long startNanos;

    @SuppressWarnings("unused") // through DONE
    private volatile boolean done;

    MonitoredCall(ServerCall<ReqT, RespT> call, MethodMetrics method, long startNanos) {
      super(call);
      this.method = method;
      this.startNanos = startNanos;
    }

    @Override
    public void sendMessage(RespT message) {
      Counter.Child s = method.sent;
      if (s != null) {
        s.inc();
      }
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      record(status.getCode());
      super.close(status, trailers);
    }

    /** Records the call's end once: its close, or the client's cancel when it never closed. */
    void record(Status.Code code) {
      if (!DONE.compareAndSet(this, false, true)) {
        return;
      }
      method.ended(code, startNanos);
    }
  }

  /** Counts received messages; a call cancelled before it closed is handled as CANCELLED. */
  private static final class MonitoredListener<ReqT>
      extends SimpleForwardingServerCallListener<ReqT> {
    private final MonitoredCall<ReqT, ?> call;

    MonitoredListener(ServerCall.Listener<ReqT> delegate, MonitoredCall<ReqT, ?> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(ReqT message) {
      Counter.Child r = call.method.received;
      if (r != null) {
        r.inc();
      }
      super.onMessage(message);
    }

    @Override
    public void onCancel() {
      call.record(Status.Code.CANCELLED);
      super.onCancel();
    }
  }
}

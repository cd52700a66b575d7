package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Refuses every new call with UNAVAILABLE while this coordinator is fenced off (see MinorityWatch),
 * naming the reason, so that clients and workers go to another coordinator instead of being served
 * from a minority's stale view. Open by default. Thread-safe.
 */
public final class ServingGate implements ServerInterceptor {
  private volatile @Nullable String closedBecause;

  /** The status calls get while the gate is closed for {@code reason}. */
  public static Status notServing(String reason) {
    return Status.UNAVAILABLE.withDescription(
        "this coordinator is not serving: " + reason + "; use another coordinator");
  }

  /** Refuses new calls from now on. */
  public void close(String reason) {
    closedBecause = reason;
  }

  /** Serves new calls again. */
  public void open() {
    closedBecause = null;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String reason = closedBecause;
    if (reason != null) {
      call.close(notServing(reason), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}

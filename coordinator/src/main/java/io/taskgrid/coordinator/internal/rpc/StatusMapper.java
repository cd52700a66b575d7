package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.taskgrid.coordinator.internal.concurrent.AsyncErrors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become gRPC statuses, so clients never see UNKNOWN. */
final class StatusMapper {
  private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

  private StatusMapper() {}

  static Status toStatus(Throwable t) {
    Throwable e = AsyncErrors.unwrap(t);
    if (e instanceof StatusRuntimeException sre) {
      return sre.getStatus();
    }
    if (e instanceof StatusException se) {
      return se.getStatus();
    }
    if (e instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).withCause(e);
    }
    if (e instanceof RejectedExecutionException) {
      return Status.UNAVAILABLE.withDescription("coordinator is shutting down").withCause(e);
    }
    log.error("Unexpected error in a gRPC service", e);
    return Status.INTERNAL.withDescription("internal error: " + e).withCause(e);
  }
}

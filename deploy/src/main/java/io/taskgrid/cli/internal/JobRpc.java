package io.taskgrid.cli.internal;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.client.internal.rpc.OwnedChannels;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The wire calls the SDK does not offer (listing a job's tasks, cancelling many ids at once, a
 * task's output and error), on the generated stubs with the same targets, TLS and token as the
 * command's client. Each call is tried on the targets in turn while one is UNAVAILABLE.
 */
final class JobRpc implements AutoCloseable {
  /** The largest reply a look-up accepts (as the SDK: under gRPC's 4 MiB default). */
  static final int MAX_REPLY_BYTES = 3 * 1024 * 1024;

  private final OwnedChannels channels;
  private final CoordinatorAddress coordinator;

  JobRpc(CoordinatorAddress coordinator) {
    this.coordinator = coordinator;
    this.channels =
        OwnedChannels.create(
            coordinator.targets, coordinator.security.security(coordinator.targets));
  }

  /** One page of a job's tasks; empty if no coordinator knows the job. */
  Optional<ListTasksResponse> listTasks(ListTasksRequest request) {
    return coordinator.call(() -> orEmpty(() -> onAny(stub -> stub.listTasks(request))));
  }

  /** Everything the coordinator knows about a task; empty if it knows nothing. */
  Optional<TaskInfo> getTask(String taskId) {
    GetTaskRequest request =
        GetTaskRequest.newBuilder().setTaskId(taskId).setMaxReplyBytes(MAX_REPLY_BYTES).build();
    return coordinator.call(() -> orEmpty(() -> onAny(stub -> stub.getTask(request).getTask())));
  }

  /** Cancels a batch of ids (at most the coordinator's id limit) in one call. */
  List<CancelOutcome> cancel(List<String> taskIds, boolean force) {
    CancelRequest request =
        CancelRequest.newBuilder().addAllTaskIds(taskIds).setForce(force).build();
    return coordinator.call(() -> onAny(stub -> stub.cancel(request).getOutcomesList()));
  }

  private static <T> Optional<T> orEmpty(Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private <T> T onAny(Function<TaskServiceGrpc.TaskServiceBlockingStub, T> call) {
    StatusRuntimeException last = null;
    for (Channel channel : channels.channels()) {
      try {
        return call.apply(
            TaskServiceGrpc.newBlockingStub(channel)
                .withMaxInboundMessageSize(MAX_REPLY_BYTES + 64 * 1024)
                .withDeadlineAfter(coordinator.timeoutSeconds, TimeUnit.SECONDS));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw last != null ? last : Status.UNAVAILABLE.asRuntimeException();
  }

  @Override
  public void close() {
    channels.close();
  }
}

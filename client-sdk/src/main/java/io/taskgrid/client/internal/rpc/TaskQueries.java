package io.taskgrid.client.internal.rpc;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The unary look-ups, each with a deadline, tried on each target in turn while UNAVAILABLE. */
public final class TaskQueries {
  private final List<Channel> channels;
  private final Duration timeout;

  /**
   * @param channels the coordinators' channels
   * @param timeout the deadline of each call
   */
  public TaskQueries(List<Channel> channels, Duration timeout) {
    this.channels = List.copyOf(channels);
    this.timeout = timeout;
  }

  /**
   * What the coordinator knows about a task; empty if it knows nothing.
   *
   * @throws StatusRuntimeException on any other error
   */
  public Optional<TaskInfo> getTask(String taskId) {
    StatusRuntimeException last = null;
    for (Channel channel : channels) {
      try {
        return Optional.of(
            TaskServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build())
                .getTask());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return Optional.empty();
        }
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw last == null ? Status.UNAVAILABLE.asRuntimeException() : last;
  }

  /**
   * The workers connected to the first coordinator that answers.
   *
   * @throws StatusRuntimeException if none answers
   */
  public List<WorkerStatus> listWorkers() {
    StatusRuntimeException last = null;
    for (Channel channel : channels) {
      try {
        return TaskServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .listWorkers(ListWorkersRequest.getDefaultInstance())
            .getWorkersList();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw last == null ? Status.UNAVAILABLE.asRuntimeException() : last;
  }
}

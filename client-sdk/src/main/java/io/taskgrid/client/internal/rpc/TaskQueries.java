package io.taskgrid.client.internal.rpc;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.proto.v1.GetJobRequest;
import io.taskgrid.proto.v1.GetJobResponse;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetStatsResponse;
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
                .withMaxInboundMessageSize(WireLimits.MAX_INBOUND_MESSAGE_BYTES)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .getTask(
                    GetTaskRequest.newBuilder()
                        .setTaskId(taskId)
                        .setMaxReplyBytes(WireLimits.MAX_INBOUND_MESSAGE_BYTES)
                        .build())
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
            .withMaxInboundMessageSize(WireLimits.MAX_INBOUND_MESSAGE_BYTES)
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

  /**
   * A job's counts on the first coordinator that knows it; empty if none does.
   *
   * @throws StatusRuntimeException on any other error
   */
  public Optional<GetJobResponse> getJob(String jobId) {
    StatusRuntimeException last = null;
    boolean notFound = false;
    for (Channel channel : channels) {
      try {
        return Optional.of(
            TaskServiceGrpc.newBlockingStub(channel)
                .withMaxInboundMessageSize(WireLimits.MAX_INBOUND_MESSAGE_BYTES)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.NOT_FOUND) {
          // Job counts are per coordinator: another one may know the job.
          notFound = true;
        } else if (code != Status.Code.UNAVAILABLE) {
          throw e;
        } else {
          last = e;
        }
      }
    }
    if (notFound) {
      return Optional.empty();
    }
    throw last == null ? Status.UNAVAILABLE.asRuntimeException() : last;
  }

  /**
   * The queue depths and counters of the first coordinator that answers.
   *
   * @throws StatusRuntimeException if none answers
   */
  public GetStatsResponse getStats() {
    StatusRuntimeException last = null;
    for (Channel channel : channels) {
      try {
        return TaskServiceGrpc.newBlockingStub(channel)
            .withMaxInboundMessageSize(WireLimits.MAX_INBOUND_MESSAGE_BYTES)
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .getStats(GetStatsRequest.getDefaultInstance());
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

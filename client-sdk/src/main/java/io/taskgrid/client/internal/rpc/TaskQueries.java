package io.taskgrid.client.internal.rpc;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.proto.v1.GetJobRequest;
import io.taskgrid.proto.v1.GetJobResponse;
import io.taskgrid.proto.v1.GetServerInfoRequest;
import io.taskgrid.proto.v1.GetServerInfoResponse;
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
   * Cancels a task this client does not hold pending, with the unary Cancel call on the first
   * coordinator (an operator's cancel: an id the cluster does not know is NOT_FOUND at once).
   */
  public java.util.concurrent.CompletableFuture<io.taskgrid.proto.v1.CancelOutcome.Result> cancel(
      String taskId, boolean force) {
    java.util.concurrent.CompletableFuture<io.taskgrid.proto.v1.CancelOutcome.Result> answer =
        new java.util.concurrent.CompletableFuture<>();
    TaskServiceGrpc.newStub(channels.get(0))
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .cancel(
            io.taskgrid.proto.v1.CancelRequest.newBuilder()
                .addTaskIds(taskId)
                .setForce(force)
                .build(),
            new io.grpc.stub.StreamObserver<>() {
              @Override
              public void onNext(io.taskgrid.proto.v1.CancelResponse r) {
                answer.complete(r.getOutcomes(0).getResult());
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                answer.completeExceptionally(
                    Status.INTERNAL.withDescription("no cancel outcome").asRuntimeException());
              }
            });
    return answer;
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

  /**
   * The version and limits of the first coordinator that answers.
   *
   * @throws StatusRuntimeException if none answers
   */
  public GetServerInfoResponse getServerInfo() {
    StatusRuntimeException last = null;
    for (Channel channel : channels) {
      try {
        return TaskServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .getServerInfo(GetServerInfoRequest.getDefaultInstance());
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

package io.taskgrid.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.Completions;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.GetTaskResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitResponse;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A coordinator stand-in that records every Session message, acks submissions (unless told not to)
 * treating ids as the coordinator does, optionally completes echo-like tasks at once, and lets a
 * test push messages and break the stream.
 */
final class FakeTaskService extends TaskServiceGrpc.TaskServiceImplBase {
  final List<ClientMessage> received = new CopyOnWriteArrayList<>();
  final List<StreamObserver<ServerMessage>> sessions = new CopyOnWriteArrayList<>();
  final Map<String, TaskSpec> tasks = new ConcurrentHashMap<>();
  final Map<String, TaskResult> results = new ConcurrentHashMap<>();
  volatile boolean autoAck = true;
  volatile boolean autoComplete;

  /**
   * Answers cancels as the coordinator does: a task without a result is removed from the queue
   * (outcome CANCELLED, pushed as a completion too); one with a result is ALREADY_FINISHED.
   */
  volatile boolean autoCancel;

  /** What GetServerInfo answers; null answers UNIMPLEMENTED, as a coordinator older than it. */
  volatile io.taskgrid.proto.v1.@org.jspecify.annotations.Nullable GetServerInfoResponse serverInfo;

  @Override
  public void getServerInfo(
      io.taskgrid.proto.v1.GetServerInfoRequest request,
      StreamObserver<io.taskgrid.proto.v1.GetServerInfoResponse> responses) {
    io.taskgrid.proto.v1.GetServerInfoResponse info = serverInfo;
    if (info == null) {
      super.getServerInfo(request, responses);
      return;
    }
    responses.onNext(info);
    responses.onCompleted();
  }

  @Override
  public StreamObserver<ClientMessage> session(StreamObserver<ServerMessage> responses) {
    sessions.add(responses);
    return new StreamObserver<>() {
      @Override
      public void onNext(ClientMessage message) {
        received.add(message);
        if (message.hasSubmit()) {
          onSubmit(responses, message.getSubmit().getTasksList());
        }
        if (message.hasCancel() && autoCancel) {
          onCancel(responses, message.getCancel().getTaskIdsList());
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        synchronized (responses) {
          responses.onCompleted();
        }
      }
    };
  }

  private void onCancel(StreamObserver<ServerMessage> responses, List<String> ids) {
    io.taskgrid.proto.v1.CancelResponse.Builder outcomes =
        io.taskgrid.proto.v1.CancelResponse.newBuilder();
    Completions.Builder done = Completions.newBuilder();
    for (String id : ids) {
      TaskResult cancelled =
          TaskResult.newBuilder()
              .setTaskId(id)
              .setOutcome(Outcome.CANCELLED)
              .setError(io.taskgrid.proto.v1.TaskError.newBuilder().setType("Cancelled"))
              .build();
      boolean removed = results.putIfAbsent(id, cancelled) == null;
      outcomes.addOutcomes(
          io.taskgrid.proto.v1.CancelOutcome.newBuilder()
              .setTaskId(id)
              .setResult(
                  removed
                      ? io.taskgrid.proto.v1.CancelOutcome.Result.REMOVED_FROM_QUEUE
                      : io.taskgrid.proto.v1.CancelOutcome.Result.ALREADY_FINISHED));
      if (removed) {
        done.addResults(cancelled);
      }
    }
    send(responses, ServerMessage.newBuilder().setCancelOutcomes(outcomes).build());
    if (done.getResultsCount() > 0) {
      send(responses, ServerMessage.newBuilder().setCompletions(done).build());
    }
  }

  /** Admits as the coordinator does: a known id is DUPLICATE (its stored result replayed). */
  private void onSubmit(StreamObserver<ServerMessage> responses, List<TaskSpec> specs) {
    SubmitResponse.Builder acks = SubmitResponse.newBuilder();
    Completions.Builder done = Completions.newBuilder();
    for (TaskSpec s : specs) {
      TaskSpec old = tasks.putIfAbsent(s.getId(), s);
      SubmitAck.Builder ack = SubmitAck.newBuilder().setTaskId(s.getId());
      if (old == null) {
        ack.setStatus(SubmitAck.Status.ACCEPTED);
        if (autoComplete) {
          done.addResults(
              remember(
                  TaskResult.newBuilder()
                      .setTaskId(s.getId())
                      .setOutcome(Outcome.SUCCEEDED)
                      .setOutput(s.getPayload())
                      .setAttempt(1)
                      .setWorkerId("fake-worker")
                      .build()));
        }
      } else if (!old.equals(s)) {
        ack.setStatus(SubmitAck.Status.REJECTED)
            .setCode("ALREADY_EXISTS")
            .setMessage("task id '" + s.getId() + "' already exists with a different spec");
      } else {
        ack.setStatus(SubmitAck.Status.DUPLICATE);
        TaskResult stored = results.get(s.getId());
        if (stored != null) {
          done.addResults(stored);
        }
      }
      acks.addAcks(ack);
    }
    if (autoAck) {
      send(responses, ServerMessage.newBuilder().setAcks(acks).build());
    }
    if (done.getResultsCount() > 0) {
      send(responses, ServerMessage.newBuilder().setCompletions(done).build());
    }
  }

  private TaskResult remember(TaskResult result) {
    results.put(result.getTaskId(), result);
    return result;
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<GetTaskResponse> responses) {
    TaskSpec spec = tasks.get(request.getTaskId());
    if (spec == null) {
      responses.onError(
          Status.NOT_FOUND.withDescription("no task " + request.getTaskId()).asRuntimeException());
      return;
    }
    responses.onNext(
        GetTaskResponse.newBuilder()
            .setTask(TaskInfo.newBuilder().setSpec(spec).setState(TaskState.QUEUED))
            .build());
    responses.onCompleted();
  }

  /** Sends to the latest session. */
  void push(ServerMessage message) {
    send(sessions.get(sessions.size() - 1), message);
  }

  /** Ends tasks on the latest session; a later submit of their ids is answered with the result. */
  void complete(TaskResult... ended) {
    for (TaskResult r : ended) {
      remember(r);
    }
    push(
        ServerMessage.newBuilder()
            .setCompletions(Completions.newBuilder().addAllResults(List.of(ended)))
            .build());
  }

  /** Fails the latest session stream. */
  void breakStream(Status status) {
    StreamObserver<ServerMessage> latest = sessions.get(sessions.size() - 1);
    synchronized (latest) {
      latest.onError(status.asRuntimeException());
    }
  }

  List<TaskSpec> submittedSpecs() {
    return received.stream()
        .filter(ClientMessage::hasSubmit)
        .flatMap(m -> m.getSubmit().getTasksList().stream())
        .toList();
  }

  long submitMessages() {
    return received.stream().filter(ClientMessage::hasSubmit).count();
  }

  List<CancelRequest> cancels() {
    return received.stream()
        .filter(ClientMessage::hasCancel)
        .map(ClientMessage::getCancel)
        .toList();
  }

  List<String> attachedIds() {
    return received.stream()
        .filter(ClientMessage::hasAttach)
        .flatMap(m -> m.getAttach().getTaskIdsList().stream())
        .toList();
  }

  private static void send(StreamObserver<ServerMessage> responses, ServerMessage message) {
    // StreamObservers are not thread-safe: the test thread and the gRPC thread both send.
    synchronized (responses) {
      responses.onNext(message);
    }
  }
}

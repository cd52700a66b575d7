package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.AttachRequest;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitRequest;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** A test client on the real Session stub that records every server message. */
final class SessionClient implements StreamObserver<ServerMessage> {
  final List<SubmitAck> acks = new CopyOnWriteArrayList<>();
  final Map<String, TaskResult> results = new ConcurrentHashMap<>();
  final List<TaskProgress> progress = new CopyOnWriteArrayList<>();
  final List<ServerMessage> completionMessages = new CopyOnWriteArrayList<>();
  final List<CancelOutcome> cancels = new CopyOnWriteArrayList<>();
  private final StreamObserver<ClientMessage> requests;
  volatile @Nullable Throwable error;
  volatile boolean completed;

  SessionClient(Channel channel) {
    this.requests = TaskServiceGrpc.newStub(channel).session(this);
  }

  synchronized void submit(TaskSpec... specs) {
    requests.onNext(
        ClientMessage.newBuilder()
            .setSubmit(SubmitRequest.newBuilder().addAllTasks(List.of(specs)))
            .build());
  }

  synchronized void cancel(String... ids) {
    requests.onNext(
        ClientMessage.newBuilder()
            .setCancel(CancelRequest.newBuilder().addAllTaskIds(List.of(ids)))
            .build());
  }

  synchronized void attach(String... ids) {
    requests.onNext(
        ClientMessage.newBuilder()
            .setAttach(AttachRequest.newBuilder().addAllTaskIds(List.of(ids)))
            .build());
  }

  synchronized void close() {
    requests.onCompleted();
  }

  @Override
  public void onNext(ServerMessage m) {
    switch (m.getKindCase()) {
      case ACKS -> acks.addAll(m.getAcks().getAcksList());
      case COMPLETIONS -> {
        completionMessages.add(m);
        m.getCompletions().getResultsList().forEach(r -> results.put(r.getTaskId(), r));
      }
      case CANCEL_OUTCOMES -> cancels.addAll(m.getCancelOutcomes().getOutcomesList());
      case PROGRESS -> progress.addAll(m.getProgress().getUpdatesList());
      default -> {}
    }
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }
}

package io.taskgrid.coordinator.internal.rpc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * A test worker on the real WorkerService stub: says hello, grants credits and, when {@code
 * autoAnswer}, answers each assignment at once (echo returns its input, fail fails) and grants the
 * slot back. Sends are serialised because a StreamObserver is not thread-safe.
 *
 * <p>Automatic answers are sent from the worker's own thread, never from inside {@link #onNext}: on
 * an in-process channel with a direct executor, {@code onNext} runs on the coordinator thread that
 * holds the stream's send lock, and answering inline while the test thread is sending (holding this
 * worker's lock and waiting for the coordinator's) deadlocked a test once in CI.
 */
final class FakeWorker implements StreamObserver<CoordinatorMessage> {
  final String id;
  final List<Assignment> assigned = new CopyOnWriteArrayList<>();
  final List<CoordinatorMessage> received = new CopyOnWriteArrayList<>();
  private final boolean autoAnswer;
  private final StreamObserver<WorkerMessage> requests;
  volatile @Nullable Throwable error;
  volatile boolean completed;
  private final ExecutorService answerer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fake-worker-answers");
            t.setDaemon(true);
            return t;
          });

  @GuardedBy("this")
  private boolean disconnected;

  FakeWorker(Channel channel, String id, boolean autoAnswer, String... handlers) {
    this.id = id;
    this.autoAnswer = autoAnswer;
    this.requests = WorkerServiceGrpc.newStub(channel).connect(this);
    send(
        WorkerMessage.newBuilder()
            .setHello(
                WorkerHello.newBuilder()
                    .setWorkerId(id)
                    .setNode("test-node")
                    .addPools(
                        PoolSpec.newBuilder()
                            .setPool(Pool.IO)
                            .setCapacity(100)
                            .addAllHandlers(List.of(handlers))))
            .build());
  }

  /** A raw stream, for protocol-violation tests. */
  static StreamObserver<WorkerMessage> raw(Channel channel, FakeWorker.Recorder recorder) {
    return WorkerServiceGrpc.newStub(channel).connect(recorder);
  }

  void credit(int n) {
    send(
        WorkerMessage.newBuilder()
            .setCredits(
                Credits.newBuilder()
                    .addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n)))
            .build());
  }

  void answer(Assignment a, Outcome outcome) {
    TaskResult.Builder r =
        TaskResult.newBuilder()
            .setTaskId(a.getSpec().getId())
            .setAttempt(a.getAttempt())
            .setWorkerId(id)
            .setOutcome(outcome);
    if (outcome == Outcome.SUCCEEDED) {
      r.setOutput(a.getSpec().getPayload());
    } else {
      r.setError(TaskError.newBuilder().setType("IllegalStateException").setMessage("boom"));
    }
    send(WorkerMessage.newBuilder().setResults(WorkerResults.newBuilder().addResults(r)).build());
  }

  synchronized void disconnect() {
    answerer.shutdownNow();
    if (!disconnected) {
      disconnected = true;
      requests.onCompleted();
    }
  }

  synchronized void send(WorkerMessage m) {
    if (disconnected) {
      return; // an automatic answer racing the test's disconnect
    }
    requests.onNext(m);
  }

  @Override
  public void onNext(CoordinatorMessage m) {
    received.add(m);
    if (!m.hasAssignments()) {
      return;
    }
    List<Assignment> batch = new ArrayList<>(m.getAssignments().getTasksList());
    assigned.addAll(batch);
    if (autoAnswer) {
      answerer.execute(
          () -> {
            for (Assignment a : batch) {
              answer(a, a.getSpec().getType().equals("fail") ? Outcome.FAILED : Outcome.SUCCEEDED);
            }
            credit(batch.size());
          });
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

  /** Records what a raw worker stream receives. */
  static final class Recorder implements StreamObserver<CoordinatorMessage> {
    volatile @Nullable Throwable error;

    @Override
    public void onNext(CoordinatorMessage value) {}

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }
}

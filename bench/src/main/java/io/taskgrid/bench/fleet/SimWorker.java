package io.taskgrid.bench.fleet;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Heartbeat;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.RunningTasks;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated worker: a real {@code WorkerService.Connect} stream (hello, credits, heartbeats,
 * results, reconcile answers) with no handler behind it. An assignment "runs" for the configured
 * duration on a shared timer, then its SUCCEEDED result goes back with one credit. Lightweight: a
 * stream, a set of running ids and a heartbeat timer; no threads of its own.
 */
final class SimWorker {
  private final String id;
  private final FleetSettings settings;
  private final ScheduledExecutorService timer;
  private final AssignmentLog log;

  @GuardedBy("this")
  private StreamObserver<WorkerMessage> out;

  @GuardedBy("this")
  private final Set<String> running = new HashSet<>();

  @GuardedBy("this")
  private boolean closed;

  private ScheduledFuture<?> heartbeat;

  SimWorker(String id, FleetSettings settings, ScheduledExecutorService timer, AssignmentLog log) {
    this.id = id;
    this.settings = settings;
    this.timer = timer;
    this.log = log;
  }

  /** Opens the stream on {@code channel}: hello, then all slots as credits. */
  void connect(ManagedChannel channel) {
    StreamObserver<WorkerMessage> stream =
        WorkerServiceGrpc.newStub(channel).connect(new Inbound());
    synchronized (this) {
      out = stream;
      send(
          WorkerMessage.newBuilder()
              .setHello(
                  WorkerHello.newBuilder()
                      .setWorkerId(id)
                      .setNode("sim")
                      .addPools(
                          PoolSpec.newBuilder()
                              .setPool(Pool.IO)
                              .setCapacity(settings.slots())
                              .addAllHandlers(settings.handlers())))
              .build());
      send(credits(settings.slots()));
    }
    long hb = settings.heartbeat().toMillis();
    // Spread the heartbeats over the interval, as independent workers' would be.
    long first = (long) (Math.random() * hb);
    heartbeat = timer.scheduleAtFixedRate(this::beat, first, hb, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    synchronized (this) {
      send(
          WorkerMessage.newBuilder()
              .setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(System.currentTimeMillis()))
              .build());
    }
  }

  private void onAssignment(Assignment a) {
    String taskId = a.getSpec().getId();
    log.assigned(taskId);
    synchronized (this) {
      running.add(taskId);
    }
    long startedMs = System.currentTimeMillis();
    var unused =
        timer.schedule(
            () -> finish(a, startedMs), settings.taskDuration().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void finish(Assignment a, long startedMs) {
    String taskId = a.getSpec().getId();
    TaskResult result =
        TaskResult.newBuilder()
            .setTaskId(taskId)
            .setOutcome(Outcome.SUCCEEDED)
            .setOutput(Payload.getDefaultInstance())
            .setAttempt(a.getAttempt())
            .setWorkerId(id)
            .setJobId(a.getSpec().getJobId())
            .setStartedUnixMs(startedMs)
            .setFinishedUnixMs(System.currentTimeMillis())
            .build();
    synchronized (this) {
      if (!running.remove(taskId)) {
        return; // cancelled or reconciled away
      }
      send(
          WorkerMessage.newBuilder()
              .setResults(WorkerResults.newBuilder().addResults(result))
              .build());
      send(credits(1));
    }
  }

  @GuardedBy("this")
  private void send(WorkerMessage m) {
    if (!closed) {
      out.onNext(m);
    }
  }

  private static WorkerMessage credits(int n) {
    return WorkerMessage.newBuilder()
        .setCredits(
            Credits.newBuilder().addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n)))
        .build();
  }

  void close() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    synchronized (this) {
      if (!closed && out != null) {
        closed = true;
        out.onCompleted();
      }
    }
  }

  /** The coordinator's side of the stream. */
  private final class Inbound implements StreamObserver<CoordinatorMessage> {
    @Override
    public void onNext(CoordinatorMessage m) {
      switch (m.getKindCase()) {
        case ASSIGNMENTS -> m.getAssignments().getTasksList().forEach(SimWorker.this::onAssignment);
        case CANCELS -> {
          synchronized (SimWorker.this) {
            m.getCancels().getTaskIdsList().forEach(running::remove);
          }
        }
        case RECONCILE -> {
          RunningTasks.Builder answer = RunningTasks.newBuilder();
          synchronized (SimWorker.this) {
            for (String t : m.getReconcile().getTaskIdsList()) {
              if (running.contains(t)) {
                answer.addRunningTaskIds(t);
              } else {
                answer.addUnknownTaskIds(t);
              }
            }
            send(WorkerMessage.newBuilder().setRunning(answer).build());
          }
        }
        default -> {
          // hello ack, demand, drain: nothing to do for a simulated worker
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (SimWorker.this) {
        closed = true;
      }
      log.streamError(id, t);
    }

    @Override
    public void onCompleted() {
      synchronized (SimWorker.this) {
        closed = true;
      }
    }
  }
}

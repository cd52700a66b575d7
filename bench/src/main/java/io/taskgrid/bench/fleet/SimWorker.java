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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated worker: a real {@code WorkerService.Connect} stream per coordinator (hello,
 * credits, heartbeats, results, reconcile answers) with no handler behind it, as a real worker
 * keeps one stream to every coordinator it is given. Its slots are shared equally between its
 * streams (a real worker's {@code SlotLedger} does the same, and also moves slots to the
 * coordinators that have work waiting, which the simulator does not model); who gets the odd slots
 * rotates with the worker's index. An assignment "runs" for the configured duration on a shared
 * timer, then its SUCCEEDED result goes back on the stream it came from with one credit.
 * Lightweight: per stream a set of running ids and a heartbeat timer; no threads of its own.
 */
final class SimWorker {
  private final String id;
  private final int index;
  private final FleetSettings settings;
  private final ScheduledExecutorService timer;
  private final AssignmentLog log;
  private final List<Link> links = new ArrayList<>();

  SimWorker(
      String id,
      int index,
      FleetSettings settings,
      ScheduledExecutorService timer,
      AssignmentLog log) {
    this.id = id;
    this.index = index;
    this.settings = settings;
    this.timer = timer;
    this.log = log;
  }

  /** Opens one stream on each channel (one per coordinator): hello, then its share of the slots. */
  void connect(List<ManagedChannel> channels) {
    int n = channels.size();
    for (int i = 0; i < n; i++) {
      int share = settings.slots() / n + ((i + index) % n < settings.slots() % n ? 1 : 0);
      Link link = new Link(share);
      links.add(link);
      link.open(channels.get(i));
    }
  }

  void close() {
    links.forEach(Link::close);
  }

  private static WorkerMessage credits(int n) {
    return WorkerMessage.newBuilder()
        .setCredits(
            Credits.newBuilder().addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n)))
        .build();
  }

  /** The stream to one coordinator. */
  private final class Link implements StreamObserver<CoordinatorMessage> {
    private final int slots;

    @GuardedBy("this")
    private StreamObserver<WorkerMessage> out;

    @GuardedBy("this")
    private final Set<String> running = new HashSet<>();

    @GuardedBy("this")
    private boolean closed;

    private ScheduledFuture<?> heartbeat;

    Link(int slots) {
      this.slots = slots;
    }

    void open(ManagedChannel channel) {
      StreamObserver<WorkerMessage> stream = WorkerServiceGrpc.newStub(channel).connect(this);
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
        if (slots > 0) {
          send(credits(slots));
        }
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
              () -> finish(a, startedMs),
              settings.taskDuration().toMillis(),
              TimeUnit.MILLISECONDS);
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

    @Override
    public void onNext(CoordinatorMessage m) {
      switch (m.getKindCase()) {
        case ASSIGNMENTS -> m.getAssignments().getTasksList().forEach(this::onAssignment);
        case CANCELS -> {
          synchronized (this) {
            m.getCancels().getTaskIdsList().forEach(running::remove);
          }
        }
        case RECONCILE -> {
          RunningTasks.Builder answer = RunningTasks.newBuilder();
          synchronized (this) {
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
      synchronized (this) {
        closed = true;
      }
      log.streamError(id, t);
    }

    @Override
    public void onCompleted() {
      synchronized (this) {
        closed = true;
      }
    }
  }
}

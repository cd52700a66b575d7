package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.auth.Principal;
import io.taskgrid.coordinator.internal.auth.WorkerIds;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.WireIds;
import io.taskgrid.coordinator.internal.sched.WorkerHandle;
import io.taskgrid.coordinator.internal.sched.WorkerLink;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Assignments;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.Demand;
import io.taskgrid.proto.v1.Drain;
import io.taskgrid.proto.v1.HelloAck;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolDemand;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.Reconcile;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One worker's Connect stream. The first message must be hello; after it, credits and results go to
 * the scheduler. Every task assigned on this stream is leased to it: when the stream ends (error,
 * completion or cancellation) the scheduler releases the leases. gRPC calls onNext serially per
 * stream, so {@link #handle} needs no lock; it is volatile for the cancel handler.
 */
final class WorkerConnection implements StreamObserver<WorkerMessage>, WorkerLink {
  private final Principal principal;
  private final Scheduler scheduler;
  private final LeaseMonitor leases;
  private final Clock clock;
  private final OutboundStream<CoordinatorMessage> out;
  private final AtomicBoolean gone = new AtomicBoolean();

  /** The largest output accepted from a handler (the payload limit applies both ways). */
  private final int maxOutputBytes;

  private volatile @Nullable WorkerHandle handle;

  /** When the worker was last heard from (any message), by the injected clock. */
  private volatile long lastHeardMillis;

  WorkerConnection(
      ServerCallStreamObserver<CoordinatorMessage> observer,
      Principal principal,
      Scheduler scheduler,
      Clock clock,
      OutboundStreams outbound,
      LeaseMonitor leases,
      int maxOutputBytes) {
    this.principal = principal;
    this.maxOutputBytes = maxOutputBytes;
    this.scheduler = scheduler;
    this.leases = leases;
    this.clock = clock;
    this.out = outbound.worker("worker", observer, Messages::merge, this::leave);
  }

  @Override
  public void onNext(WorkerMessage msg) {
    lastHeardMillis = clock.millis();
    try {
      dispatch(msg);
    } catch (RuntimeException e) {
      fail(StatusMapper.toStatus(e));
    }
  }

  private void dispatch(WorkerMessage msg) {
    WorkerHandle h = handle;
    if (h == null) {
      hello(msg);
      return;
    }
    switch (msg.getKindCase()) {
      case CREDITS -> scheduler.credits(h, msg.getCredits());
      case RESULTS ->
          scheduler.results(
              h, ReplySizes.capResults(msg.getResults().getResultsList(), maxOutputBytes));
      case PROGRESS -> scheduler.progress(h, msg.getProgress().getUpdatesList());
      case HEARTBEAT -> {} // any message renews the lease (see lastHeardMillis)
      case RUNNING -> scheduler.notRunning(h, msg.getRunning().getUnknownTaskIdsList());
      case DRAIN -> scheduler.workerDraining(h);
      case RECALL -> scheduler.recall(h, msg.getRecall());
      case CANCEL_ACKS -> scheduler.cancelAcked(h, msg.getCancelAcks());
      case HELLO -> fail(Status.FAILED_PRECONDITION.withDescription("hello sent twice"));
      default -> fail(Status.INVALID_ARGUMENT.withDescription("empty WorkerMessage"));
    }
  }

  private void hello(WorkerMessage msg) {
    if (!msg.hasHello()) {
      fail(
          Status.FAILED_PRECONDITION.withDescription(
              "the first message on a worker stream must be hello, was " + msg.getKindCase()));
      return;
    }
    WorkerHello hello = msg.getHello();
    String problem = helloProblem(hello);
    if (problem != null) {
      fail(Status.INVALID_ARGUMENT.withDescription(problem));
      return;
    }
    // The worker id is bound to the credential (WorkerIds): results on this stream are stamped
    // with it, so a credential can only ever report for the ids it owns.
    String denied = WorkerIds.problem(principal, hello.getWorkerId());
    if (denied != null) {
      fail(Status.PERMISSION_DENIED.withDescription(denied));
      return;
    }
    WorkerHandle h = new WorkerHandle(hello, this, clock.millis());
    if (!scheduler.workerConnected(h)) {
      fail(
          Status.ALREADY_EXISTS.withDescription(
              "a worker with id '" + hello.getWorkerId() + "' is already connected"));
      return;
    }
    handle = h;
    leases.register(this);
    // Tells the worker it is connected (it logs so and resets its reconnect backoff only now).
    out.send(CoordinatorMessage.newBuilder().setHelloAck(HelloAck.getDefaultInstance()).build());
  }

  /** The worker, once it said hello. */
  @Nullable WorkerHandle handle() {
    return handle;
  }

  long lastHeardMillis() {
    return lastHeardMillis;
  }

  /** Counts the worker as heard from at {@code nowMillis} (the coordinator itself was paused). */
  void renewLease(long nowMillis) {
    lastHeardMillis = Math.max(lastHeardMillis, nowMillis);
  }

  /**
   * The worker was silent for longer than the lease: it is declared dead (its tasks are re-queued
   * with attempt + 1) and its stream is failed, so that a worker that was only paused reconnects as
   * a new stream and its late reports are fenced out.
   */
  void expire(long silentMillis) {
    fail(
        Status.UNAVAILABLE.withDescription(
            "lease expired: no message from the worker for " + silentMillis + " ms"));
  }

  private static @Nullable String helloProblem(WorkerHello hello) {
    String idProblem = WireIds.problem("hello.worker_id", hello.getWorkerId());
    if (idProblem != null) {
      return idProblem;
    }
    String nodeProblem = WireIds.optionalProblem("hello.node", hello.getNode());
    if (nodeProblem != null) {
      return nodeProblem;
    }
    String labelsProblem = WireIds.labelsProblem("hello.labels", hello.getLabelsMap());
    if (labelsProblem != null) {
      return labelsProblem;
    }
    if (hello.getPoolsCount() == 0) {
      return "hello announces no pools";
    }
    Set<Pool> seen = new HashSet<>();
    for (PoolSpec p : hello.getPoolsList()) {
      if (p.getPool() != Pool.IO && p.getPool() != Pool.CPU) {
        return "hello announces an unknown pool " + p.getPoolValue();
      }
      if (!seen.add(p.getPool())) {
        return "hello announces pool " + p.getPool() + " twice";
      }
      String typeProblem = WireIds.listProblem("hello handler name", p.getHandlersList());
      if (typeProblem != null) {
        return typeProblem;
      }
    }
    return null;
  }

  @Override
  public void sendAssignments(List<Assignment> assignments) {
    out.send(
        CoordinatorMessage.newBuilder()
            .setAssignments(Assignments.newBuilder().addAllTasks(assignments))
            .build());
  }

  @Override
  public void sendCancels(CancelTasks cancels) {
    out.send(CoordinatorMessage.newBuilder().setCancels(cancels).build());
  }

  @Override
  public void sendReconcile(List<String> taskIds) {
    out.send(
        CoordinatorMessage.newBuilder()
            .setReconcile(Reconcile.newBuilder().addAllTaskIds(taskIds))
            .build());
  }

  @Override
  public void sendDemand(PoolDemand demand) {
    out.send(
        CoordinatorMessage.newBuilder().setDemand(Demand.newBuilder().addPools(demand)).build());
  }

  @Override
  public void sendDrain() {
    out.send(CoordinatorMessage.newBuilder().setDrain(Drain.getDefaultInstance()).build());
  }

  @Override
  public void onError(Throwable t) {
    leave();
  }

  @Override
  public void onCompleted() {
    leave();
    out.complete();
  }

  private void fail(Status status) {
    leave();
    out.fail(status);
  }

  /**
   * Ends the stream from this side with {@code status} (the coordinator stops, or is fenced off);
   * completes once it is sent.
   */
  CompletableFuture<Void> close(Status status) {
    leave();
    return out.failAndWait(status);
  }

  /** Completes once the stream is over, however it ended. */
  CompletableFuture<Void> over() {
    return out.over();
  }

  private void leave() {
    WorkerHandle h = handle;
    if (h != null && gone.compareAndSet(false, true)) {
      leases.unregister(this);
      scheduler.workerDisconnected(h);
    }
  }
}

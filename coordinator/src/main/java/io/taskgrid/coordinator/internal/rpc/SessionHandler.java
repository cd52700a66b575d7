package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.auth.Principal;
import io.taskgrid.coordinator.internal.auth.Tenants;
import io.taskgrid.coordinator.internal.sched.Admission;
import io.taskgrid.coordinator.internal.sched.ClientQuota;
import io.taskgrid.coordinator.internal.sched.CompletionHub;
import io.taskgrid.coordinator.internal.sched.CompletionSubscriber;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.TaskIntake;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.Completions;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.ProgressUpdates;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.SubmitResponse;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client Session stream. Submits are stored concurrently but acknowledged in arrival order
 * (each batch's acks wait for the previous batch's). Completions of every task submitted or
 * attached here are pushed, coalesced by the outbound stream. When the stream ends its watches are
 * dropped; tasks keep running and their results stay in the store.
 */
final class SessionHandler implements StreamObserver<ClientMessage>, CompletionSubscriber {
  private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

  private final Principal caller;
  private final TaskIntake intake;
  private final Scheduler scheduler;
  private final CompletionHub hub;
  private final TaskStore store;
  private final Executor callbacks;
  private final OutboundStream<ServerMessage> out;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();

  /** How long to wait before reading the store again after a failed read. */
  static final long READ_RETRY_MILLIS = 500;

  /** Ids read from the store at once when attaching. */
  static final int READ_CHUNK = 500;

  private final int maxIdsPerRequest;

  /** This stream's own quota: in a cluster without tenants one client cannot starve another. */
  private final ClientQuota sessionQuota;

  private final int maxMessageBytes;

  /** The ack emission of the latest batch; the next batch's emission chains after it. */
  private CompletableFuture<Void> ackTail = CompletableFuture.completedFuture(null);

  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean halfClosed;
  private volatile Runnable onEnd = () -> {};

  SessionHandler(
      ServerCallStreamObserver<ServerMessage> observer,
      Principal caller,
      TaskIntake intake,
      Scheduler scheduler,
      CompletionHub hub,
      TaskStore store,
      OutboundStreams outbound,
      RequestLimits limits) {
    this.caller = caller;
    this.intake = intake;
    this.scheduler = scheduler;
    this.hub = hub;
    this.store = store;
    this.callbacks = outbound.executor();
    this.out = outbound.client("session", observer, Messages::merge, this::end);
    this.maxIdsPerRequest = limits.maxIdsPerRequest();
    this.sessionQuota = new ClientQuota("this session", limits.maxQueuedTasksPerSession());
    this.maxMessageBytes = outbound.limits().maxMessageBytes();
  }

  @Override
  public void onNext(ClientMessage msg) {
    if (ended.get()) {
      return;
    }
    try {
      switch (msg.getKindCase()) {
        case SUBMIT -> submit(msg.getSubmit().getTasksList());
        case CANCEL -> {
          TaskGrpcService.checkIds("task id", msg.getCancel().getTaskIdsList());
          cancel(msg);
        }
        case ATTACH -> {
          TaskGrpcService.checkIds("task id", msg.getAttach().getTaskIdsList());
          attach(msg.getAttach().getTaskIdsList());
        }
        default -> failStream(Status.INVALID_ARGUMENT.withDescription("empty ClientMessage"));
      }
    } catch (RuntimeException e) {
      failStream(StatusMapper.toStatus(e));
    }
  }

  private void submit(List<io.taskgrid.proto.v1.TaskSpec> specs) {
    Status tooBig = intake.checkBatch(specs.size());
    if (tooBig != null) {
      failStream(tooBig);
      return;
    }
    CompletableFuture<Admission> admitted =
        intake.submit(specs, caller.tenant(), sessionQuota).toCompletableFuture();
    // onNext calls are serial per stream, so ackTail needs no lock. The emit runs on the thread
    // that completes the later of the two (the store's, once the tasks are stored): emit only
    // queues the acks and hands the tasks to the scheduler, and one more thread hand-off here was
    // on the path of every round trip.
    ackTail = ackTail.thenCombine(admitted, (v, admission) -> emit(admission));
  }

  private Void emit(Admission a) {
    if (ended.get()) {
      // The client is gone: nobody to ack or notify, but accepted tasks still run.
      a.schedule();
      return null;
    }
    for (String id : a.watchIds()) {
      watched.add(id);
      hub.watchTask(id, this);
    }
    out.send(
        ServerMessage.newBuilder()
            .setAcks(SubmitResponse.newBuilder().addAllAcks(a.acks()))
            .build());
    a.schedule();
    if (!a.alreadyDone().isEmpty()) {
      a.alreadyDone().forEach(r -> watched.add(r.getTaskId()));
      push(a.alreadyDone());
    }
    if (!a.liveDuplicates().isEmpty()) {
      // Already subscribed above; a duplicate that ended since the store was read would otherwise
      // never be pushed.
      readEnded(a.liveDuplicates(), 0);
    }
    return null;
  }

  private void cancel(ClientMessage msg) {
    Status tooMany =
        ReplySizes.tooManyIds("cancel", msg.getCancel().getTaskIdsCount(), maxIdsPerRequest);
    if (tooMany != null) {
      failStream(tooMany);
      return;
    }
    scheduler
        .cancel(msg.getCancel().getTaskIdsList(), msg.getCancel().getForce(), caller)
        .whenComplete(
            (resp, e) -> {
              if (e != null) {
                failStream(StatusMapper.toStatus(e));
              } else {
                out.send(ServerMessage.newBuilder().setCancelOutcomes(resp).build());
              }
            });
  }

  private void attach(List<String> ids) {
    Status tooMany = ReplySizes.tooManyIds("attach", ids.size(), maxIdsPerRequest);
    if (tooMany != null) {
      failStream(tooMany);
      return;
    }
    if (caller.isAdmin()) {
      attachVisible(ids);
      return;
    }
    attachOwn(ids, true);
  }

  /**
   * Attaches the caller's tenant's tasks: looks them up before subscribing, so that no result of
   * another tenant's task is ever pushed here. Another tenant's id reads as an unknown one; an id
   * the store does not hold is looked up once more after {@link #MISSING_RECHECK_MILLIS} (see
   * {@link #confirmMissing}) when {@code recheckMissing}.
   */
  private void attachOwn(List<String> ids, boolean recheckMissing) {
    store
        .getAll(ids)
        .whenComplete(
            (found, e) -> {
              if (e != null) {
                if (!ended.get()) {
                  CompletableFuture.delayedExecutor(
                          READ_RETRY_MILLIS, TimeUnit.MILLISECONDS, callbacks)
                      .execute(() -> attachOwn(ids, recheckMissing));
                }
                return;
              }
              List<String> own = new ArrayList<>(ids.size());
              List<String> missing = new ArrayList<>();
              List<TaskResult> unknown = new ArrayList<>();
              for (String id : ids) {
                TaskInfo info = found.get(id);
                if (info != null && Tenants.visible(caller, info)) {
                  own.add(id);
                } else if (info == null && recheckMissing) {
                  missing.add(id);
                } else {
                  watched.add(id);
                  unknown.add(unknown(id));
                }
              }
              push(unknown);
              attachVisible(own);
              if (!missing.isEmpty()) {
                CompletableFuture.delayedExecutor(
                        MISSING_RECHECK_MILLIS, TimeUnit.MILLISECONDS, callbacks)
                    .execute(
                        () -> {
                          if (!ended.get()) {
                            attachOwn(missing, false);
                          }
                        });
              }
            });
  }

  private void attachVisible(List<String> ids) {
    // Subscribe first, then read the store: a result published in between is seen twice at
    // worst, and push() de-duplicates through the watched set.
    for (String id : ids) {
      watched.add(id);
      hub.watchTask(id, this);
    }
    readEnded(ids, 0);
  }

  /** Reads {@code ids} a chunk at a time, the next once the previous one's results are queued. */
  private void readEnded(List<String> ids, int from) {
    if (from >= ids.size() || ended.get()) {
      return;
    }
    int to = Math.min(ids.size(), from + READ_CHUNK);
    readEnded(ids.subList(from, to), () -> readEnded(ids, to));
  }

  /**
   * Reads watched tasks from the store and pushes those that have ended. A failed read (a member
   * just left and its partitions are migrating) is tried again until it succeeds or the stream
   * ends: dropping it would leave the client waiting forever for results that were published before
   * it subscribed. A task the store does not know cannot end either, so it is reported as lost
   * rather than left pending.
   */
  private void readEnded(List<String> ids, Runnable then) {
    if (ended.get()) {
      return;
    }
    store
        .getAll(ids)
        .whenComplete(
            (found, e) -> {
              if (e != null) {
                log.warn(
                    "Could not read {} watched task(s) from the store; trying again in {} ms",
                    ids.size(),
                    READ_RETRY_MILLIS,
                    e);
                CompletableFuture.delayedExecutor(
                        READ_RETRY_MILLIS, TimeUnit.MILLISECONDS, callbacks)
                    .execute(() -> readEnded(ids, then));
                return;
              }
              List<TaskResult> done = new ArrayList<>();
              List<String> missing = new ArrayList<>();
              for (String id : ids) {
                TaskInfo info = found.get(id);
                if (info == null) {
                  missing.add(id);
                } else if (info.getState() == TaskState.DONE) {
                  done.add(info.getResult());
                }
              }
              push(done);
              if (!missing.isEmpty()) {
                confirmMissing(missing);
              }
              then.run();
            });
  }

  /**
   * Answers the tasks a read did not find, after reading them once more {@link
   * #MISSING_RECHECK_MILLIS} later: a task whose result arrives through another coordinator is in
   * neither of the store's maps for a moment (HazelcastTaskStore.completeLeases), and calling it
   * LOST then would make the client run it again. This session is subscribed to these ids already,
   * so a completion published in between reaches it (duplicates are dropped by the client).
   */
  private void confirmMissing(List<String> ids) {
    CompletableFuture.delayedExecutor(MISSING_RECHECK_MILLIS, TimeUnit.MILLISECONDS, callbacks)
        .execute(
            () -> {
              if (ended.get()) {
                return;
              }
              store
                  .getAll(ids)
                  .whenComplete(
                      (found, e) -> {
                        if (e != null) {
                          confirmMissing(ids);
                          return;
                        }
                        List<TaskResult> done = new ArrayList<>();
                        for (String id : ids) {
                          TaskInfo info = found.get(id);
                          if (info == null) {
                            done.add(unknown(id));
                          } else if (info.getState() == TaskState.DONE) {
                            done.add(info.getResult());
                          }
                        }
                        push(done);
                      });
            });
  }

  /** How long a task the store did not hold is given before it is answered LOST. */
  static final long MISSING_RECHECK_MILLIS = 1_000;

  /**
   * The answer for an attached task the store does not hold: LOST with error type {@code
   * NOT_FOUND}, the message starting with {@link #EXPIRED} (docs/RETENTION.md). Sent at once:
   * nothing would ever complete it. The SDK resubmits the spec it still holds under the same id, so
   * a task lost with its partitions runs again, and so does one whose result was evicted before
   * this client collected it (at least once, never silently dropped).
   */
  private static TaskResult unknown(String id) {
    return TaskResult.newBuilder()
        .setTaskId(id)
        // Accepted once (the client attaches only acked tasks), so not REJECTED ("never run"):
        // LOST, which the SDK answers by resubmitting the spec it holds.
        .setOutcome(Outcome.LOST)
        .setError(
            TaskError.newBuilder()
                .setType(Status.Code.NOT_FOUND.name())
                .setMessage(
                    EXPIRED
                        + ": task '"
                        + id
                        + "' is not in the cluster's store: its result expired (older than the"
                        + " result TTL, or evicted by the retention budget), it was never"
                        + " submitted, or it was lost with more coordinators than the store keeps"
                        + " backups for"))
        .build();
  }

  /** The reason that starts the message of a task the store does not hold. */
  static final String EXPIRED = "Expired";

  @Override
  public void onCompletions(List<TaskResult> results) {
    push(results);
  }

  @Override
  public void onProgress(List<TaskProgress> updates) {
    List<TaskProgress> wanted = new ArrayList<>(updates.size());
    for (TaskProgress p : updates) {
      if (watched.contains(p.getTaskId())) {
        wanted.add(p);
      }
    }
    if (!wanted.isEmpty() && !ended.get()) {
      out.send(
          ServerMessage.newBuilder()
              .setProgress(ProgressUpdates.newBuilder().addAllUpdates(wanted))
              .build());
    }
  }

  private void push(List<TaskResult> results) {
    List<TaskResult> fresh = new ArrayList<>(results.size());
    for (TaskResult r : results) {
      if (watched.remove(r.getTaskId())) {
        fresh.add(ErrorReasons.fill(Tenants.forClient(r)));
      }
    }
    if (!fresh.isEmpty() && !ended.get()) {
      // Split into messages of at most maxMessageBytes: 100,000 results in one message exceed
      // the client's inbound limit, which broke the stream, and re-attaching then asked for
      // the same oversized message again, forever.
      for (List<TaskResult> part : ReplySizes.chunks(fresh, maxMessageBytes)) {
        out.send(
            ServerMessage.newBuilder()
                .setCompletions(Completions.newBuilder().addAllResults(part))
                .build());
      }
    }
    if (halfClosed) {
      completeIfIdle();
    }
  }

  @Override
  public void onError(Throwable t) {
    end();
  }

  /**
   * The client half-closed: acks still due are sent, completions keep coming until every watched
   * task has ended, then the stream completes.
   */
  @Override
  public void onCompleted() {
    halfClosed = true;
    ackTail = ackTail.whenCompleteAsync((v, e) -> completeIfIdle(), callbacks);
  }

  private void completeIfIdle() {
    if (halfClosed && watched.isEmpty() && !ended.get()) {
      end();
      out.complete();
    }
  }

  /** Runs {@code r} when the session ends (set before the first message arrives). */
  void whenEnded(Runnable r) {
    onEnd = r;
  }

  /**
   * Reads the watched tasks from the store again (the store lost partitions): a task whose record
   * is gone is reported LOST, so that the client resubmits it instead of waiting forever.
   */
  void recheckWatched() {
    List<String> ids = List.copyOf(watched);
    if (!ids.isEmpty()) {
      readEnded(ids, 0);
    }
  }

  /**
   * Ends the session with {@code status} (the coordinator stops): the client resends what was not
   * acked and re-attaches the rest on another coordinator.
   */
  CompletableFuture<Void> close(Status status) {
    end();
    return out.failAndWait(status);
  }

  private void failStream(Status status) {
    end();
    out.fail(status);
  }

  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    onEnd.run();
    for (String id : watched) {
      hub.unwatchTask(id, this);
    }
    watched.clear();
  }
}

package io.taskgrid.client.internal.rpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.taskgrid.client.internal.NamedThreadFactory;
import io.taskgrid.proto.v1.AttachRequest;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.Completions;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitRequest;
import io.taskgrid.proto.v1.SubmitResponse;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's {@code TaskService.Session} stream: batches submissions, cancels and attaches into
 * few messages, routes acks, completions and cancel outcomes to their listeners, and reconnects
 * (re-attaching pending tasks and resending unacknowledged ones) when the stream breaks.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>Callers of {@link #submit}/{@link #cancel} only enqueue and, when no drain is scheduled
 *       yet, schedule one: no per-task RPC and no per-task thread hop.
 *   <li>One serial session thread ({@code taskgrid-client-session-N}) owns the stream: it drains
 *       the outbound queue (only while the stream {@code isReady()}), and every gRPC callback of
 *       the call runs on it too (the call is started with this executor), so {@code onNext} is
 *       never called concurrently and inbound and outbound state need no locks.
 *   <li>Listeners run on the callback executor, one hand-off per listener and event, never on the
 *       session thread, because they complete user futures and so run user callbacks.
 * </ul>
 *
 * <p>In-flight bound: {@link #submit} blocks the caller (never a gRPC or session thread) while
 * {@code inFlightLimit} tasks are pending; a permit comes back when a task ends. A resubmit that
 * joins a pending task takes no permit: it adds no work.
 */
public final class TaskSession implements AutoCloseable {
  /** How often a task the store lost is resubmitted before it ends LOST. */
  static final int MAX_LOST_RESUBMITS = 3;

  private static final Logger log = LoggerFactory.getLogger(TaskSession.class);

  /** Upper bound on the bytes of one batched message; one larger task still goes alone. */
  static final int MAX_BATCH_BYTES = 1024 * 1024;

  private final List<Channel> channels;
  private final int maxBatchSize;
  private final Executor callbackExecutor;
  private final ScheduledThreadPoolExecutor sessionExecutor;

  /** Runs the call's callbacks on the session thread; drops them once the session is closed. */
  private final Executor callExecutor;

  private final Backoff backoff;

  /**
   * Backoff after a stream refused with RESOURCE_EXHAUSTED: longer than the reconnect backoff, and
   * reset only by a completion (acks alone do not show that the refusal has passed).
   */
  private final Backoff exhaustedBackoff = new Backoff(1_000, 30_000);

  /** Trailer by which a coordinator says that it closed the stream but lost nothing. */
  static final Metadata.Key<String> REATTACH_KEY =
      Metadata.Key.of("taskgrid-reattach", Metadata.ASCII_STRING_MARSHALLER);

  /** Streams in a row refused with RESOURCE_EXHAUSTED and no completion before pending fail. */
  static final int MAX_FRUITLESS_EXHAUSTED = 3;

  private final Semaphore inFlight;

  /** Every task submitted and not yet ended, by id. Written by callers and the session thread. */
  private final Map<String, PendingTask> pending = new ConcurrentHashMap<>();

  /** Cancels sent and not yet answered, by task id. */
  private final Map<String, List<CompletableFuture<CancelOutcome.Result>>> cancelWaiters =
      new ConcurrentHashMap<>();

  private final ConcurrentLinkedQueue<Outbound> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean closed;

  // The fields below are confined to the session thread.
  private @Nullable ClientCallStreamObserver<ClientMessage> call;
  private int generation;
  private int channelIndex;
  private boolean completedOnThisStream;
  private int fruitlessExhausted;

  /**
   * Starts connecting at once.
   *
   * @param channels the coordinators' channels (at least one); the session fails over in order
   * @param inFlightLimit the most tasks pending at once
   * @param maxBatchSize the most tasks in one message
   * @param callbackExecutor where listeners run
   */
  public TaskSession(
      List<Channel> channels, int inFlightLimit, int maxBatchSize, Executor callbackExecutor) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("channels: [] (expected: at least one)");
    }
    this.channels = List.copyOf(channels);
    this.maxBatchSize = maxBatchSize;
    this.callbackExecutor = requireNonNull(callbackExecutor, "callbackExecutor");
    this.inFlight = new Semaphore(inFlightLimit);
    this.backoff = new Backoff(100, 5_000);
    this.sessionExecutor =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("taskgrid-client-session"));
    sessionExecutor.setRemoveOnCancelPolicy(true);
    // A reconnect waiting out its backoff must not hold close() up.
    sessionExecutor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.callExecutor =
        command -> {
          try {
            sessionExecutor.execute(command);
          } catch (RejectedExecutionException e) {
            // Closed: the stream's last callbacks (the cancel we caused) have nothing to do.
          }
        };
    sessionExecutor.execute(this::connect);
  }

  /**
   * Submits tasks: queues them for the next batch and returns. Blocks while the in-flight bound is
   * reached.
   *
   * <p>An id that is still pending on this session is not sent again: with the same spec its
   * listener joins the pending task (no permit taken) and is told the same outcome; with a
   * different spec its listener is rejected with {@code ALREADY_EXISTS}, as the coordinator would,
   * and the pending task is left alone.
   *
   * @throws InterruptedException if interrupted while waiting for in-flight capacity; tasks queued
   *     before the interrupt are still submitted
   * @throws IllegalStateException if the session is closed
   */
  public void submit(List<TaskSpec> specs, List<TaskListener> listeners)
      throws InterruptedException {
    if (specs.size() != listeners.size()) {
      throw new IllegalArgumentException("specs and listeners differ in size");
    }
    try {
      for (int i = 0; i < specs.size(); i++) {
        submitOne(specs.get(i), listeners.get(i));
      }
    } finally {
      scheduleDrain();
    }
  }

  private void submitOne(TaskSpec spec, TaskListener listener) throws InterruptedException {
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
    // Checked before taking a permit: a resubmit of a pending id must not wait for capacity.
    PendingTask existing = pending.get(spec.getId());
    if (existing != null && bind(existing, spec, listener)) {
      return;
    }
    if (!inFlight.tryAcquire()) {
      // Let what is queued go out before waiting, or the permits we wait for never come back.
      scheduleDrain();
      inFlight.acquire();
    }
    enqueue(spec, listener);
  }

  /** Queues a new task under the permit the caller holds, or binds to one queued meanwhile. */
  private void enqueue(TaskSpec spec, TaskListener listener) {
    PendingTask p = new PendingTask(spec, listener);
    while (true) {
      if (closed) {
        inFlight.release();
        throw new IllegalStateException("client is closed");
      }
      PendingTask existing = pending.putIfAbsent(spec.getId(), p);
      if (existing == null) {
        if (closed) {
          // close() may have swept the map before this task entered it: end it here, or its
          // future (and any resubmit that joined it meanwhile) would wait forever.
          List<Runnable> deliveries = new ArrayList<>();
          tell(finish(p), TaskListener::onClientClosed, deliveries);
          deliveries.forEach(Runnable::run);
          return;
        }
        outbound.add(new Outbound.Submit(p));
        return;
      }
      // Another caller submitted the same id while this one waited for the permit.
      if (bind(existing, spec, listener)) {
        inFlight.release();
        return;
      }
      // It ended, and so has left the map, in between: try again.
    }
  }

  /**
   * Binds a resubmit to the pending task of its id, or rejects it when its spec differs.
   *
   * @return false if that task has ended meanwhile, so the resubmit is a new submission
   */
  private boolean bind(PendingTask existing, TaskSpec spec, TaskListener listener) {
    return switch (existing.join(spec, listener)) {
      case JOINED -> true;
      case CONFLICT -> {
        String message = existing.conflictMessage(spec);
        deliver(List.of(() -> listener.onRejected("ALREADY_EXISTS", message)));
        yield true;
      }
      case ENDED -> false;
    };
  }

  /**
   * Asks the coordinator to cancel a task.
   *
   * @return the coordinator's answer
   */
  public CompletableFuture<CancelOutcome.Result> cancel(String taskId, boolean force) {
    CompletableFuture<CancelOutcome.Result> answer = new CompletableFuture<>();
    if (closed) {
      answer.completeExceptionally(new IllegalStateException("client is closed"));
      return answer;
    }
    cancelWaiters.compute(
        taskId,
        (id, list) -> {
          List<CompletableFuture<CancelOutcome.Result>> l = list == null ? new ArrayList<>() : list;
          l.add(answer);
          return l;
        });
    outbound.add(new Outbound.Cancel(taskId, force));
    scheduleDrain();
    return answer;
  }

  /** Whether a task of this id was submitted here and has not ended. */
  public boolean isPending(String taskId) {
    return pending.containsKey(taskId);
  }

  /** Tasks submitted and not yet ended. */
  public int pendingCount() {
    return pending.size();
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        sessionExecutor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drainScheduled.set(false);
      }
    }
  }

  // ---- session thread ----

  private void connect() {
    if (closed) {
      return;
    }
    generation++;
    Channel channel = channels.get(channelIndex % channels.size());
    int gen = generation;
    completedOnThisStream = false;
    TaskServiceGrpc.newStub(channel)
        .withExecutor(callExecutor)
        .withMaxInboundMessageSize(WireLimits.MAX_INBOUND_MESSAGE_BYTES)
        .session(new ResponseObserver(gen));
    // What a previous stream left unsent is rebuilt below: one attach and one cancel per task,
    // however many reconnects failed before this one (each once queued its own copy).
    outbound.removeIf(o -> o instanceof Outbound.Attach || o instanceof Outbound.Cancel);
    // Re-attach tasks the server already holds; resend the ones it never acknowledged (ids are
    // idempotent, so a resend of a task that was stored after all is answered DUPLICATE).
    List<String> attach = new ArrayList<>();
    for (PendingTask p : pending.values()) {
      if (p.acked) {
        attach.add(p.spec.getId());
      } else if (p.sentGeneration != 0) {
        outbound.add(new Outbound.Submit(p));
      }
    }
    for (int from = 0; from < attach.size(); from += WireLimits.MAX_IDS_PER_MESSAGE) {
      int to = Math.min(attach.size(), from + WireLimits.MAX_IDS_PER_MESSAGE);
      outbound.add(new Outbound.Attach(List.copyOf(attach.subList(from, to))));
    }
    for (String id : cancelWaiters.keySet()) {
      outbound.add(new Outbound.Cancel(id, false));
    }
    drain();
    if (gen > 1) {
      log.info(
          "Taskgrid session re-opened: re-attaching {} tasks, resending the unacknowledged",
          attach.size());
    }
  }

  private void drain() {
    drainScheduled.set(false);
    ClientCallStreamObserver<ClientMessage> c = call;
    if (c == null || closed) {
      return; // connect() or onReady drains once the stream is there.
    }
    while (c.isReady()) {
      ClientMessage message = nextMessage();
      if (message == null) {
        return;
      }
      c.onNext(message);
    }
  }

  /** Coalesces the head of the queue: a run of submits, of cancels, or of attaches. */
  private @Nullable ClientMessage nextMessage() {
    Outbound head;
    while ((head = outbound.peek()) != null) {
      if (head instanceof Outbound.Submit s && !needsSending(s.pending())) {
        outbound.poll();
        continue;
      }
      break;
    }
    if (head == null) {
      return null;
    }
    if (head instanceof Outbound.Submit) {
      SubmitRequest.Builder batch = SubmitRequest.newBuilder();
      int bytes = 0;
      while ((head = outbound.peek()) instanceof Outbound.Submit s) {
        if (needsSending(s.pending())) {
          int size = s.pending().spec.getSerializedSize();
          if (batch.getTasksCount() > 0
              && (batch.getTasksCount() >= maxBatchSize || bytes + size > MAX_BATCH_BYTES)) {
            break;
          }
          batch.addTasks(s.pending().spec);
          s.pending().sentGeneration = generation;
          bytes += size;
        }
        outbound.poll();
      }
      return ClientMessage.newBuilder().setSubmit(batch).build();
    }
    if (head instanceof Outbound.Cancel first) {
      CancelRequest.Builder cancels = CancelRequest.newBuilder().setForce(first.force());
      while ((head = outbound.peek()) instanceof Outbound.Cancel c
          && c.force() == first.force()
          && cancels.getTaskIdsCount() < Math.min(maxBatchSize, WireLimits.MAX_IDS_PER_MESSAGE)) {
        cancels.addTaskIds(c.taskId());
        outbound.poll();
      }
      return ClientMessage.newBuilder().setCancel(cancels).build();
    }
    Outbound.Attach attach = (Outbound.Attach) outbound.poll();
    return ClientMessage.newBuilder()
        .setAttach(AttachRequest.newBuilder().addAllTaskIds(requireNonNull(attach).taskIds()))
        .build();
  }

  private boolean needsSending(PendingTask p) {
    return p.sentGeneration != generation && pending.get(p.spec.getId()) == p;
  }

  private void onMessage(ServerMessage message) {
    backoff.reset();
    List<Runnable> deliveries = new ArrayList<>();
    switch (message.getKindCase()) {
      case ACKS -> onAcks(message.getAcks(), deliveries);
      case COMPLETIONS -> onCompletions(message.getCompletions(), deliveries);
      case CANCEL_OUTCOMES ->
          onCancelOutcomes(message.getCancelOutcomes().getOutcomesList(), deliveries);
      case PROGRESS -> onProgress(message.getProgress().getUpdatesList(), deliveries);
      default -> log.debug("Ignoring an empty server message");
    }
    deliver(deliveries);
  }

  private void onAcks(SubmitResponse acks, List<Runnable> deliveries) {
    for (SubmitAck ack : acks.getAcksList()) {
      PendingTask p = pending.get(ack.getTaskId());
      if (p == null) {
        continue;
      }
      if (ack.getStatus() == SubmitAck.Status.REJECTED) {
        String code = ack.getCode().isEmpty() ? "UNKNOWN" : ack.getCode();
        tell(finish(p), l -> l.onRejected(code, ack.getMessage()), deliveries);
      } else {
        p.acked = true;
      }
    }
  }

  private void onCompletions(Completions completions, List<Runnable> deliveries) {
    completedOnThisStream = true;
    fruitlessExhausted = 0;
    exhaustedBackoff.reset();
    boolean resubmitted = false;
    for (TaskResult result : completions.getResultsList()) {
      PendingTask p = pending.get(result.getTaskId());
      if (p == null) {
        continue;
      }
      if (result.getOutcome() == Outcome.LOST && p.lostResubmits < MAX_LOST_RESUBMITS) {
        // The cluster's store lost the accepted task (more coordinators failed at once than it
        // keeps backups for, or a full restart): this client still holds the spec, so it goes out
        // again under the same id, and the task runs instead of ending LOST.
        p.lostResubmits++;
        p.acked = false;
        p.sentGeneration = 0;
        outbound.add(new Outbound.Submit(p));
        resubmitted = true;
        log.info("Task {} was lost by the cluster's store: resubmitted", p.spec.getId());
        continue;
      }
      tell(finish(p), l -> l.onResult(result), deliveries);
    }
    if (resubmitted) {
      drain();
    }
  }

  private void onProgress(List<TaskProgress> updates, List<Runnable> deliveries) {
    for (TaskProgress update : updates) {
      PendingTask p = pending.get(update.getTaskId());
      if (p != null) {
        // Dropped by the future once it has completed (a completion may overtake it).
        tell(p.listeners(), l -> l.onProgress(update), deliveries);
      }
    }
  }

  private void onCancelOutcomes(List<CancelOutcome> outcomes, List<Runnable> deliveries) {
    Map<String, CancelOutcome.Result> byId = new HashMap<>();
    for (CancelOutcome outcome : outcomes) {
      byId.put(outcome.getTaskId(), outcome.getResult());
      List<CompletableFuture<CancelOutcome.Result>> waiters =
          cancelWaiters.remove(outcome.getTaskId());
      if (waiters != null) {
        deliveries.add(() -> waiters.forEach(w -> w.complete(outcome.getResult())));
      }
      // The coordinator recorded CANCELLED for a task removed from the queue: end it at once (its
      // completion, which follows, is then ignored). Nothing else ends a task here: on
      // ALREADY_FINISHED or STOPPED_WHILE_RUNNING its completion carries the outcome that stands,
      // and NOT_FOUND (the task never reached that coordinator within its hold time) leaves the
      // task to its own ack, rejection or completion, so that a future never reports a cancel
      // the cluster did not make.
      PendingTask p = pending.get(outcome.getTaskId());
      if (p != null && outcome.getResult() == CancelOutcome.Result.REMOVED_FROM_QUEUE) {
        TaskResult cancelled =
            TaskResult.newBuilder()
                .setTaskId(outcome.getTaskId())
                .setOutcome(Outcome.CANCELLED)
                .setError(
                    TaskError.newBuilder()
                        .setType("Cancelled")
                        .setMessage("cancel: " + outcome.getResult()))
                .build();
        tell(finish(p), l -> l.onResult(cancelled), deliveries);
      }
    }
  }

  /**
   * Removes a pending task and returns its permit.
   *
   * @return the listeners to tell how it ended; none if it had ended already
   */
  private List<TaskListener> finish(PendingTask p) {
    if (pending.remove(p.spec.getId(), p)) {
      inFlight.release();
      return p.end();
    }
    return List.of();
  }

  /** Adds one delivery per listener, so that one listener that throws does not starve the rest. */
  private static void tell(
      List<TaskListener> listeners, Consumer<TaskListener> event, List<Runnable> deliveries) {
    for (TaskListener l : listeners) {
      deliveries.add(() -> event.accept(l));
    }
  }

  /**
   * Hands each delivery to the callback executor on its own: one listener's callback that blocks
   * (or waits for a sibling future, whose completion is another delivery) then holds one callback
   * thread, not every completion that arrived in the same message.
   */
  private void deliver(List<Runnable> deliveries) {
    for (Runnable r : deliveries) {
      try {
        callbackExecutor.execute(
            () -> {
              try {
                r.run();
              } catch (RuntimeException e) {
                log.warn("A task listener threw", e);
              }
            });
      } catch (RejectedExecutionException e) {
        // The client is closing and its callback executor stopped: run it here rather than lose
        // the outcome of a future someone may wait on.
        r.run();
      }
    }
  }

  private void onStreamEnded(int gen, @Nullable Throwable error) {
    if (gen != generation) {
      return;
    }
    call = null;
    if (closed) {
      return;
    }
    Status status =
        error == null
            ? Status.UNAVAILABLE.withDescription("server ended the stream")
            : Status.fromThrowable(error);
    Metadata trailers = error == null ? null : Status.trailersFromThrowable(error);
    boolean nothingLost = trailers != null && "true".equals(trailers.get(REATTACH_KEY));
    long delayMillis;
    if (nothingLost) {
      // The coordinator closed a stream we read too slowly; every task is safe there: reconnect,
      // re-attach and resend, without failing anything.
      delayMillis = backoff.nextDelayMillis();
    } else if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      fruitlessExhausted = completedOnThisStream ? 1 : fruitlessExhausted + 1;
      delayMillis = exhaustedBackoff.nextDelayMillis();
      List<Runnable> deliveries = rejectUnrecoverable(gen, status);
      if (fruitlessExhausted >= MAX_FRUITLESS_EXHAUSTED) {
        // Re-attaching got the same refusal every time, with nothing delivered in between: end the
        // futures with the coordinator's reason rather than loop forever.
        fruitlessExhausted = 0;
        deliveries.addAll(rejectAll(status, MAX_FRUITLESS_EXHAUSTED));
      }
      deliver(deliveries);
    } else {
      deliver(rejectUnrecoverable(gen, status));
      delayMillis = backoff.nextDelayMillis();
    }
    channelIndex++;
    log.warn(
        "Taskgrid session stream ended ({}: {}); {} tasks pending, reconnecting in {} ms",
        status.getCode(),
        status.getDescription(),
        pending.size(),
        delayMillis);
    sessionExecutor.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Ends the tasks that a reconnect cannot save, so that they fail clearly instead of looping: on a
   * code that no retry fixes (the server lacks the service, or refuses this client) every pending
   * task; on a code that blames the request (a batch too large, a bad spec) the tasks sent on the
   * broken stream and never acknowledged, since resending them would break the next stream too.
   * Acknowledged tasks are safe on the server and are re-attached.
   */
  private List<Runnable> rejectUnrecoverable(int gen, Status status) {
    boolean all =
        switch (status.getCode()) {
          case UNIMPLEMENTED, PERMISSION_DENIED, UNAUTHENTICATED -> true;
          default -> false;
        };
    boolean sentUnacked =
        switch (status.getCode()) {
          case INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, OUT_OF_RANGE -> true;
          default -> false;
        };
    List<Runnable> deliveries = new ArrayList<>();
    if (!all && !sentUnacked) {
      return deliveries;
    }
    String code = status.getCode().name();
    String message =
        "the session stream failed: "
            + (status.getDescription() == null ? code : status.getDescription());
    for (PendingTask p : pending.values()) {
      boolean reject = all || (!p.acked && p.sentGeneration == gen);
      if (reject) {
        tell(finish(p), l -> l.onRejected(code, message), deliveries);
      }
    }
    return deliveries;
  }

  /** Ends every pending task with the status that kept refusing its stream. */
  private List<Runnable> rejectAll(Status status, int attempts) {
    String code = status.getCode().name();
    String message =
        "the coordinator refused the session stream "
            + attempts
            + " times in a row with nothing delivered in between, giving up: "
            + (status.getDescription() == null ? code : status.getDescription());
    List<Runnable> deliveries = new ArrayList<>();
    for (PendingTask p : pending.values()) {
      tell(finish(p), l -> l.onRejected(code, message), deliveries);
    }
    return deliveries;
  }

  /**
   * Stops intake, half-closes the stream, ends every pending listener with {@link
   * TaskListener#onClientClosed()} and stops the session thread. The caller owns the callback
   * executor and the channels.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sessionExecutor.execute(this::closeOnSessionThread);
    } catch (RejectedExecutionException e) {
      // Already shut down.
    }
    sessionExecutor.shutdown();
    try {
      if (!sessionExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
        sessionExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      sessionExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void closeOnSessionThread() {
    ClientCallStreamObserver<ClientMessage> c = call;
    call = null;
    if (c != null) {
      c.cancel("client closed", null);
    }
    List<Runnable> deliveries = new ArrayList<>();
    for (PendingTask p : pending.values()) {
      tell(finish(p), TaskListener::onClientClosed, deliveries);
    }
    for (String id : cancelWaiters.keySet()) {
      List<CompletableFuture<CancelOutcome.Result>> waiters = cancelWaiters.remove(id);
      if (waiters != null) {
        deliveries.add(
            () ->
                waiters.forEach(
                    w -> w.completeExceptionally(new IllegalStateException("client closed"))));
      }
    }
    deliver(deliveries);
  }

  /** What waits in the outbound queue. */
  private sealed interface Outbound {
    record Submit(PendingTask pending) implements Outbound {}

    record Cancel(String taskId, boolean force) implements Outbound {}

    record Attach(List<String> taskIds) implements Outbound {}
  }

  /** Receives one stream's messages; every callback runs on the session thread. */
  private final class ResponseObserver
      implements ClientResponseObserver<ClientMessage, ServerMessage> {
    private final int gen;

    ResponseObserver(int gen) {
      this.gen = gen;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ClientMessage> requestStream) {
      call = requestStream;
      requestStream.setOnReadyHandler(TaskSession.this::drain);
    }

    @Override
    public void onNext(ServerMessage message) {
      if (gen == generation) {
        onMessage(message);
      }
    }

    @Override
    public void onError(Throwable t) {
      onStreamEnded(gen, t);
    }

    @Override
    public void onCompleted() {
      onStreamEnded(gen, null);
    }
  }
}

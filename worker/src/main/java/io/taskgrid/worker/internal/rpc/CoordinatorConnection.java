package io.taskgrid.worker.internal.rpc;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.taskgrid.client.internal.rpc.WireLimits;
import io.taskgrid.proto.v1.CancelAcks;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.CreditRecall;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Drain;
import io.taskgrid.proto.v1.Heartbeat;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolDemand;
import io.taskgrid.proto.v1.ProgressUpdates;
import io.taskgrid.proto.v1.RunningTasks;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import io.taskgrid.worker.internal.Saturating;
import io.taskgrid.worker.internal.SlotLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code WorkerService.Connect} stream to one coordinator, reopened with backoff when it fails.
 *
 * <p>Threads: every write to the stream happens on {@code executor} (a single thread shared by the
 * connections), which serialises {@code onNext}. Inbound messages arrive on gRPC transport threads
 * (the channel uses a direct executor) and go straight to the listener, which must not block.
 * Results and credits are coalesced: {@link #addResult} and {@link #creditsChanged} only schedule
 * one flush, which writes what has piled up while the stream {@code isReady()}.
 */
public final class CoordinatorConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorConnection.class);

  /** Results per WorkerResults message. */
  static final int MAX_RESULTS_PER_MESSAGE = 1_000;

  /** Payload bytes per WorkerResults message, well under gRPC's 4 MiB default limit. */
  static final int MAX_BYTES_PER_MESSAGE = 1 << 20;

  /**
   * How long a sent result is kept to be sent again if its stream fails: a coordinator that is
   * fenced off (or dies) as the result arrives cannot store it, and the worker has forgotten the
   * task, so the coordinator that adopts the lease would wait for ever. Sent again to another
   * coordinator, it ends the lease there; a copy that arrives where the task has ended already is
   * dropped as stale (results are fenced by attempt).
   */
  static final long RESEND_WINDOW_MS = 10_000;

  /** At most this many sent results are kept for {@link #RESEND_WINDOW_MS}. */
  static final int RESEND_MAX = 10_000;

  /** An identical connect failure is logged at most this often (the others at DEBUG). */
  static final long REPEATED_FAILURE_LOG_INTERVAL_MS = 30_000;

  private final String name;
  private final Channel channel;
  private final ScheduledExecutorService executor;
  private final ConnectionListener listener;
  private final SlotLedger<CoordinatorConnection> ledger;
  private final WorkerHello hello;
  private final Clock clock;
  private final Duration heartbeatInterval;
  private final Backoff backoff;
  private final Queue<TaskResult> results = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicBoolean healthy = new AtomicBoolean();

  /** Whether the stream is up (hello sent and not ended); read by the agent to route results. */
  private volatile boolean live;

  // Confined to executor.
  private @Nullable ClientCallStreamObserver<WorkerMessage> stream;
  private boolean closed;
  private final Map<Pool, Integer> pendingCredits = new EnumMap<>(Pool.class);
  private final Map<Pool, Integer> pendingRecalls = new EnumMap<>(Pool.class);
  private boolean sentSinceTick;
  private @Nullable ScheduledFuture<?> heartbeat;
  private boolean openedBefore;

  /** Results sent on the current stream lately, oldest first, with when they were sent. */
  private final ArrayDeque<Sent> recentlySent = new ArrayDeque<>();

  private record Sent(long atMillis, TaskResult result) {}

  /** Attempts that ended before the coordinator answered, since it last answered. */
  private int failedAttempts;

  private @Nullable String lastLoggedFailure;
  private long lastLoggedFailureMillis;
  private int unloggedFailures;

  // Written on executor, read on transport threads to drop messages of an old stream.
  private volatile int generation;

  /** A connection that is not open yet; see {@link #start()}. */
  public CoordinatorConnection(
      String name,
      Channel channel,
      ScheduledExecutorService executor,
      ConnectionListener listener,
      SlotLedger<CoordinatorConnection> ledger,
      WorkerHello hello,
      Clock clock,
      Duration heartbeatInterval,
      Duration initialBackoff,
      Duration maxBackoff) {
    this.name = name;
    this.channel = channel;
    this.executor = executor;
    this.listener = listener;
    this.ledger = ledger;
    this.hello = hello;
    this.clock = clock;
    this.heartbeatInterval = heartbeatInterval;
    this.backoff =
        new Backoff(initialBackoff, maxBackoff, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Opens the stream (asynchronously) and starts the heartbeat. */
  public void start() {
    executor.execute(
        () -> {
          long every = Saturating.toNanos(heartbeatInterval);
          heartbeat =
              executor.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.NANOSECONDS);
          open();
        });
  }

  /** The coordinator this connection talks to. */
  public String name() {
    return name;
  }

  /** Queues a result for the next flush (any thread). */
  public void addResult(TaskResult result) {
    results.add(result);
    scheduleFlush();
  }

  /**
   * Sends progress reports if the stream is open and ready, else drops them: progress is best
   * effort and must never queue up behind results (any thread; never blocks).
   */
  public void sendProgress(List<TaskProgress> updates) {
    post(
        () -> {
          ClientCallStreamObserver<WorkerMessage> s = stream;
          if (s != null && !closed && s.isReady()) {
            s.onNext(
                WorkerMessage.newBuilder()
                    .setProgress(ProgressUpdates.newBuilder().addAllUpdates(updates))
                    .build());
            sentSinceTick = true;
          }
        });
  }

  /** Whether the stream is up now. */
  public boolean isLive() {
    return live;
  }

  /**
   * Takes the results queued and not sent yet, so that the agent can send them to another
   * coordinator while this one is unreachable (any thread).
   */
  public List<TaskResult> takeHeldResults() {
    List<TaskResult> out = new ArrayList<>();
    TaskResult r;
    while ((r = results.poll()) != null) {
      out.add(r);
    }
    return out;
  }

  /** Answers a Reconcile (any thread). */
  public void sendRunning(RunningTasks running) {
    post(
        () -> {
          ClientCallStreamObserver<WorkerMessage> s = stream;
          if (s != null && !closed) {
            s.onNext(WorkerMessage.newBuilder().setRunning(running).build());
            sentSinceTick = true;
          }
        });
  }

  /** Answers a CancelTasks that asked for an ack (any thread). */
  public void sendCancelAcks(CancelAcks acks) {
    post(
        () -> {
          ClientCallStreamObserver<WorkerMessage> s = stream;
          if (s != null && !closed) {
            s.onNext(WorkerMessage.newBuilder().setCancelAcks(acks).build());
            sentSinceTick = true;
          }
        });
  }

  /**
   * Tells the coordinator this worker takes no new work, so that it forgets the credits it holds
   * (any thread). A stream opened later gets no credits from a stopped ledger.
   */
  public void sendDrain() {
    post(
        () -> {
          ClientCallStreamObserver<WorkerMessage> s = stream;
          if (s != null && !closed) {
            s.onNext(WorkerMessage.newBuilder().setDrain(Drain.getDefaultInstance()).build());
            sentSinceTick = true;
          }
        });
  }

  /** The ledger may hold new credits for this connection: schedules a flush (any thread). */
  public void creditsChanged() {
    scheduleFlush();
  }

  /** Sends what is queued, half-closes the stream and stops reconnecting. Waits up to 2 s. */
  @Override
  public void close() {
    try {
      executor
          .submit(
              () -> {
                flush();
                closed = true;
                if (heartbeat != null) {
                  heartbeat.cancel(false);
                }
                ClientCallStreamObserver<WorkerMessage> s = stream;
                stream = null;
                if (s != null) {
                  s.onCompleted();
                }
              })
          .get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("closing the stream to {} did not finish cleanly", name, e);
    }
  }

  @Override
  public String toString() {
    return "CoordinatorConnection[" + name + "]";
  }

  private void open() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    healthy.set(false);
    if (openedBefore) {
      listener.onReconnectAttempt(this);
    }
    openedBefore = true;
    if (channel instanceof ManagedChannel managed) {
      // The channel keeps its own reconnect backoff (up to minutes) and fails new calls at once
      // with its last error while it waits: a coordinator that is back would go unnoticed for
      // that long. Our backoff decides when to try, so the channel connects afresh now.
      managed.resetConnectBackoff();
    }
    // Explicitly above the largest assignment a coordinator sends (a payload of up to 32 MiB plus
    // its envelope): gRPC's default 4 MiB broke the stream on a legal 4 MiB payload.
    WorkerServiceGrpc.newStub(channel)
        .withMaxInboundMessageSize(WireLimits.MAX_INBOUND_MESSAGE_BYTES)
        .connect(new Inbound(gen));
    ClientCallStreamObserver<WorkerMessage> s = stream;
    if (s == null) {
      return;
    }
    s.onNext(WorkerMessage.newBuilder().setHello(hello).build());
    sentSinceTick = true;
    log.debug("worker {} opened a stream to {}", hello.getWorkerId(), name);
    live = true;
    ledger.connected(this);
    listener.onConnected(this);
    flush();
  }

  private void ended(int gen, @Nullable Throwable error) {
    if (gen != generation || closed) {
      return;
    }
    stream = null;
    live = false;
    pendingCredits.clear();
    pendingRecalls.clear();
    if (error != null) {
      // Before the agent takes the held results to another coordinator: the ones sent lately
      // may not have been stored where they went (see RESEND_WINDOW_MS).
      resendRecent();
    }
    recentlySent.clear();
    // Bump the generation so that late messages of the dead stream are dropped.
    generation++;
    ledger.disconnected(this);
    listener.onDisconnected(this);
    boolean wasAnswered = healthy.get();
    if (wasAnswered) {
      backoff.reset();
    }
    long delay = backoff.nextDelayNanos();
    long delayMillis = TimeUnit.NANOSECONDS.toMillis(delay);
    String why = describe(error);
    if (wasAnswered) {
      log.warn("stream to {} ended ({}); reconnecting in {} ms", name, why, delayMillis);
    } else {
      failedAttempts++;
      logFailedAttempt(why, delayMillis);
    }
    if (error != null) {
      log.debug("stream to {} failed", name, error);
    }
    executor.schedule(this::open, delay, TimeUnit.NANOSECONDS);
  }

  /** The coordinator answered on stream {@code gen}: connected. On the executor. */
  private void answered(int gen) {
    if (gen != generation || closed) {
      return;
    }
    backoff.reset();
    if (failedAttempts > 0) {
      log.info(
          "worker {} connected to {} after {} failed attempt(s)",
          hello.getWorkerId(),
          name,
          failedAttempts);
    } else {
      log.info("worker {} connected to {}", hello.getWorkerId(), name);
    }
    failedAttempts = 0;
    lastLoggedFailure = null;
    unloggedFailures = 0;
    listener.onAnswered(this);
  }

  /**
   * One line per failed attempt, without a stack trace; the same failure again within {@link
   * #REPEATED_FAILURE_LOG_INTERVAL_MS} goes to DEBUG only and is counted in the next line.
   */
  private void logFailedAttempt(String why, long delayMillis) {
    long now = clock.millis();
    if (why.equals(lastLoggedFailure)
        && now - lastLoggedFailureMillis < REPEATED_FAILURE_LOG_INTERVAL_MS) {
      unloggedFailures++;
      log.debug(
          "cannot reach {} ({}), attempt {}; retrying in {} ms",
          name,
          why,
          failedAttempts,
          delayMillis);
      return;
    }
    log.warn(
        "cannot reach {} ({}), attempt {}; retrying in {} ms{}",
        name,
        why,
        failedAttempts,
        delayMillis,
        unloggedFailures > 0 ? " (" + unloggedFailures + " identical failure(s) not logged)" : "");
    lastLoggedFailure = why;
    lastLoggedFailureMillis = now;
    unloggedFailures = 0;
  }

  /** A status in one line: code, description and the root cause's message. */
  static String describe(@Nullable Throwable error) {
    if (error == null) {
      return "completed by the coordinator";
    }
    Status status = Status.fromThrowable(error);
    StringBuilder text = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      text.append(": ").append(status.getDescription());
    }
    Throwable root = status.getCause();
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != null) {
      text.append(" (")
          .append(root.getMessage() != null ? root.getMessage() : root.getClass().getName())
          .append(')');
    }
    return text.toString();
  }

  private void scheduleFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      post(this::flush);
    }
  }

  /** Runs on the executor; after close() the executor is gone and the event is dropped. */
  private void post(Runnable event) {
    try {
      executor.execute(event);
    } catch (RejectedExecutionException e) {
      log.debug("connection to {} is closed; dropping an event", name);
    }
  }

  private void flush() {
    flushScheduled.set(false);
    ClientCallStreamObserver<WorkerMessage> s = stream;
    if (s == null || closed) {
      return;
    }
    // A slot is released after its result is queued. Taking the credits first and sending them
    // only once the result queue has been emptied keeps the coordinator's view exact: it never
    // sees a freed slot's credit before that slot's result.
    ledger.takeUnsent(this).forEach((pool, n) -> pendingCredits.merge(pool, n, Integer::sum));
    while (s.isReady() && !results.isEmpty()) {
      s.onNext(WorkerMessage.newBuilder().setResults(nextBatch()).build());
      sentSinceTick = true;
    }
    ledger.takeRecalls(this).forEach((pool, n) -> pendingRecalls.merge(pool, n, Integer::sum));
    if (!s.isReady()) {
      return; // the on-ready handler schedules the next flush
    }
    if (!pendingCredits.isEmpty()) {
      Credits.Builder msg = Credits.newBuilder();
      pendingCredits.forEach(
          (pool, n) -> msg.addPools(PoolCredit.newBuilder().setPool(pool).setCredits(n)));
      pendingCredits.clear();
      s.onNext(WorkerMessage.newBuilder().setCredits(msg).build());
      sentSinceTick = true;
    }
    if (!pendingRecalls.isEmpty()) {
      CreditRecall.Builder msg = CreditRecall.newBuilder();
      pendingRecalls.forEach(
          (pool, n) -> msg.addPools(PoolCredit.newBuilder().setPool(pool).setCredits(n)));
      pendingRecalls.clear();
      s.onNext(WorkerMessage.newBuilder().setRecall(msg).build());
      sentSinceTick = true;
    }
  }

  private WorkerResults nextBatch() {
    WorkerResults.Builder batch = WorkerResults.newBuilder();
    int bytes = 0;
    TaskResult r;
    while (batch.getResultsCount() < MAX_RESULTS_PER_MESSAGE
        && (batch.getResultsCount() == 0 || bytes < MAX_BYTES_PER_MESSAGE)
        && (r = results.poll()) != null) {
      batch.addResults(r);
      bytes += r.getSerializedSize();
    }
    long now = clock.millis();
    for (TaskResult sent : batch.getResultsList()) {
      recentlySent.addLast(new Sent(now, sent));
    }
    forgetOldSent(now);
    return batch.build();
  }

  private void forgetOldSent(long now) {
    while (!recentlySent.isEmpty()
        && (recentlySent.size() > RESEND_MAX
            || now - recentlySent.peekFirst().atMillis() > RESEND_WINDOW_MS)) {
      recentlySent.pollFirst();
    }
  }

  /** Queues the results sent within the window again, to go out with the held ones. */
  private void resendRecent() {
    forgetOldSent(clock.millis());
    if (recentlySent.isEmpty()) {
      return;
    }
    log.info(
        "stream to {} failed: sending the {} result(s) sent on it in the last {} s again",
        name,
        recentlySent.size(),
        RESEND_WINDOW_MS / 1000);
    for (Sent sent : recentlySent) {
      results.add(sent.result());
    }
  }

  private void tick() {
    ClientCallStreamObserver<WorkerMessage> s = stream;
    if (s != null && !sentSinceTick) {
      s.onNext(
          WorkerMessage.newBuilder()
              .setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(clock.millis()))
              .build());
    }
    sentSinceTick = false;
  }

  /** The response side of one stream; {@code gen} tells it apart from older streams. */
  private final class Inbound implements ClientResponseObserver<WorkerMessage, CoordinatorMessage> {
    private final int gen;

    Inbound(int gen) {
      this.gen = gen;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WorkerMessage> requestStream) {
      // Called on the executor, inside connect().
      stream = requestStream;
      requestStream.setOnReadyHandler(CoordinatorConnection.this::scheduleFlush);
    }

    @Override
    public void onNext(CoordinatorMessage message) {
      if (gen != generation) {
        return;
      }
      if (healthy.compareAndSet(false, true)) {
        post(() -> answered(gen));
      }
      switch (message.getKindCase()) {
        case ASSIGNMENTS:
          listener.onAssignments(CoordinatorConnection.this, message.getAssignments());
          break;
        case CANCELS:
          listener.onCancels(CoordinatorConnection.this, message.getCancels());
          break;
        case RECONCILE:
          listener.onReconcile(CoordinatorConnection.this, message.getReconcile());
          break;
        case DEMAND:
          for (PoolDemand d : message.getDemand().getPoolsList()) {
            ledger.demand(
                CoordinatorConnection.this, d.getPool(), d.getQueued(), d.getReturnedCredits());
          }
          listener.onDemand(CoordinatorConnection.this);
          break;
        case HELLO_ACK:
          break; // the answer itself: handled above
        case DRAIN:
          log.info("coordinator {} asked worker {} to drain", name, hello.getWorkerId());
          ledger.drained(CoordinatorConnection.this);
          listener.onDrain(CoordinatorConnection.this);
          break;
        default:
          log.debug("ignoring an unknown message from {}: {}", name, message.getKindCase());
      }
    }

    @Override
    public void onError(Throwable t) {
      post(() -> ended(gen, t));
    }

    @Override
    public void onCompleted() {
      post(() -> ended(gen, null));
    }
  }
}

package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.taskgrid.client.internal.CallbackExecutor;
import io.taskgrid.client.internal.TaskIds;
import io.taskgrid.client.internal.rpc.ChannelSecurity;
import io.taskgrid.client.internal.rpc.LocalTokens;
import io.taskgrid.client.internal.rpc.OwnedChannels;
import io.taskgrid.client.internal.rpc.TaskListener;
import io.taskgrid.client.internal.rpc.TaskQueries;
import io.taskgrid.client.internal.rpc.TaskSession;
import io.taskgrid.proto.v1.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Submits tasks to a Taskgrid cluster and returns {@link TaskFuture}s.
 *
 * <pre>{@code
 * try (TaskgridClient client = TaskgridClient.connect("localhost:7070")) {
 *   List<TaskFuture<BigInteger>> sums = client.map(TaskTypes.SUM_SQUARES, List.of(10L, 20L));
 *   List<BigInteger> values = Futures.gather(sums).join();
 * }
 * }</pre>
 *
 * <p><b>Transport.</b> One {@code Session} stream per client: {@code submit} only queues the task
 * and returns; a flusher sends everything queued as one batch (up to {@link
 * ClientOptions#maxBatchSize()} tasks per message), honouring the stream's flow control. When the
 * stream breaks, the client reconnects with backoff and jitter (failing over to the next target),
 * re-attaches to every pending task and resends the ones the coordinator never acknowledged; ids
 * make that safe.
 *
 * <p><b>Threads.</b> Thread-safe. Futures are completed on {@link ClientOptions#callbackExecutor()}
 * if given, else on {@link ClientOptions#callbackThreads()} daemon threads named {@code
 * taskgrid-client-callback-N}, never on gRPC threads, so dependent stages run there unless given an
 * executor. Each completion is handed over on its own, so a callback that blocks holds one of those
 * threads and delays no completion that another thread can take; when every one of them is held by
 * a blocking callback (a latch, a sibling future's {@code get()}), the client adds a thread within
 * about 10 ms, so the other futures still complete and a callback waiting for a sibling cannot
 * deadlock (at most 512 threads; the added ones end when idle).
 *
 * <p><b>Back-pressure.</b> When {@link ClientOptions#inFlightLimit()} tasks are submitted and not
 * yet ended, {@code submit} and {@code map} block the calling thread until some end. Do not call
 * them from a completion callback with the limit reached.
 *
 * <p><b>Lifecycle.</b> The caller owns the client and must {@link #close()} it; {@code close} fails
 * the futures still pending with a {@link TaskException} (the tasks may still run).
 */
public final class TaskgridClient implements AutoCloseable {
  private final ClientOptions options;
  private final @Nullable OwnedChannels ownedChannels;

  /** The callback threads the client started (null when the caller gave an executor). */
  private final @Nullable ExecutorService ownCallbackExecutor;

  private final TaskSession session;
  private final TaskQueries queries;
  private final TaskFuture.Canceller canceller;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Names the tasks given no {@link TaskOptions#id()}: {@code <prefix>-<n>-<check>}, a prefix of 32
   * random hex digits per client, a counter and 16 random hex digits per task, so that the
   * coordinator can store consecutive tasks of this client together (docs/STORE-BATCHES.md).
   */
  private final TaskIds taskIds = new TaskIds();

  private TaskgridClient(
      List<Channel> channels, ClientOptions options, @Nullable OwnedChannels ownedChannels) {
    this.options = options;
    this.ownedChannels = ownedChannels;
    this.ownCallbackExecutor =
        options.callbackExecutor().isPresent()
            ? null
            : new CallbackExecutor(options.callbackThreads(), "taskgrid-client-callback");
    Executor callbacks =
        ownCallbackExecutor != null ? ownCallbackExecutor : options.callbackExecutor().get();
    this.session =
        new TaskSession(channels, options.inFlightLimit(), options.maxBatchSize(), callbacks);
    this.queries = new TaskQueries(channels, options.defaultTimeout());
    this.canceller =
        (taskId, force) -> session.cancel(taskId, force).thenApply(ProtoMapper::toOutcome);
  }

  /**
   * Connects to one coordinator ({@code host:port}) with default options: plaintext, with the token
   * of a local cluster on that port if there is one.
   */
  public static TaskgridClient connect(String target) {
    return connect(ClientOptions.newBuilder().target(requireNonNull(target, "target")).build());
  }

  /**
   * Connects to the coordinators in {@link ClientOptions#targets()}, with the TLS settings and
   * token of {@code options}.
   */
  public static TaskgridClient connect(ClientOptions options) {
    requireNonNull(options, "options");
    if (options.targets().isEmpty()) {
      throw new IllegalArgumentException("options.targets: [] (expected: at least one host:port)");
    }
    OwnedChannels channels = OwnedChannels.create(options.targets(), security(options));
    return new TaskgridClient(channels.channels(), options, channels);
  }

  /**
   * The channel settings of {@code options}: the token given, else the token file's, else (for a
   * loopback target only) the token a local cluster on that port wrote (see docs/SECURITY.md).
   */
  private static ChannelSecurity security(ClientOptions options) {
    String token = options.token().orElse(null);
    if (token == null && options.tokenFile().isPresent()) {
      token = ChannelSecurity.readToken(options.tokenFile().get());
    }
    if (token == null) {
      token = LocalTokens.find(System.getenv(), options.targets()).orElse(null);
    }
    return new ChannelSecurity(
        options.tls(),
        options.tlsCaFile().orElse(null),
        options.tlsCertFile().orElse(null),
        options.tlsKeyFile().orElse(null),
        token);
  }

  /**
   * A client on a channel the caller owns (and shuts down after closing the client), for example an
   * in-process channel in tests. {@link ClientOptions#targets()} is ignored.
   */
  public static TaskgridClient create(Channel channel, ClientOptions options) {
    return new TaskgridClient(
        List.of(requireNonNull(channel, "channel")), requireNonNull(options, "options"), null);
  }

  /** Submits one task with default options. See {@link #submit(TaskType, Object, TaskOptions)}. */
  public <I, O> TaskFuture<O> submit(TaskType<I, O> type, I input) {
    return submit(type, input, TaskOptions.getDefaultInstance());
  }

  /**
   * Submits one task and returns its future at once; blocks only while the in-flight bound is
   * reached.
   *
   * <p><b>Resubmitting an id.</b> {@link TaskOptions#id()} is an idempotency key. While a task of
   * that id is pending on this client, a resubmit is not sent again and takes no in-flight permit:
   * with the same spec (type, payload and options, compared as the coordinator does) it returns a
   * new {@link TaskFuture} bound to the same task, which completes with the same outcome; with a
   * different spec the returned future fails with {@link TaskRejectedException} ({@code
   * ALREADY_EXISTS}) and the pending task is left alone. Once the task has ended, a resubmit goes
   * to the coordinator, which answers with the stored outcome (or {@code ALREADY_EXISTS}).
   * Cancelling any future bound to a task cancels the task, and so ends the others too.
   *
   * @throws IllegalArgumentException if the input codec cannot encode {@code input}
   * @throws IllegalStateException if the client is closed
   */
  public <I, O> TaskFuture<O> submit(TaskType<I, O> type, I input, TaskOptions options) {
    return map(type, List.of(requireNonNull(input, "input")), options).get(0);
  }

  /** Submits one task per input, in order, with default options. */
  public <I, O> List<TaskFuture<O>> map(TaskType<I, O> type, Iterable<? extends I> inputs) {
    return map(type, inputs, TaskOptions.getDefaultInstance());
  }

  /**
   * Submits one task per input (as {@code executor.map}); the futures are in input order. The tasks
   * go out in as few messages as possible. An explicit {@link TaskOptions#id()} is only allowed
   * with a single input.
   */
  public <I, O> List<TaskFuture<O>> map(
      TaskType<I, O> type, Iterable<? extends I> inputs, TaskOptions options) {
    requireNonNull(type, "type");
    requireNonNull(inputs, "inputs");
    requireNonNull(options, "options");
    if (closed.get()) {
      throw new IllegalStateException("client is closed");
    }
    List<TaskFuture<O>> futures = new ArrayList<>();
    List<TaskSpec> specs = new ArrayList<>();
    List<TaskListener> listeners = new ArrayList<>();
    for (I input : inputs) {
      if (options.id().isPresent() && !futures.isEmpty()) {
        throw new IllegalArgumentException("options.id: one id cannot name several tasks");
      }
      String id = options.id().orElseGet(taskIds::next);
      TaskSpec spec =
          ProtoMapper.toSpec(
              id,
              type.name(),
              ProtoMapper.payload(type.inputCodec(), requireNonNull(input, "input")),
              options,
              type,
              this.options.clock());
      TaskFuture<O> future = new TaskFuture<>(id, canceller);
      futures.add(future);
      if (spec.getSerializedSize() > this.options.maxTaskBytes()) {
        // Sent, it would break the stream for every task on it; refuse it here instead.
        future.failFromCluster(
            new TaskRejectedException(
                id,
                "RESOURCE_EXHAUSTED",
                "payload too large: the task encodes to "
                    + spec.getSerializedSize()
                    + " bytes (limit "
                    + this.options.maxTaskBytes()
                    + ")"));
        continue;
      }
      specs.add(spec);
      listeners.add(new FutureBinding<>(future, type.outputCodec()));
    }
    try {
      session.submit(specs, listeners);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for in-flight capacity", e);
    }
    return futures;
  }

  /**
   * A new group of tasks that ends together: the first failure cancels the rest, and {@link
   * TaskGroup#close()} waits for all and reports every failure (as {@code asyncio.TaskGroup}).
   */
  public TaskGroup newGroup() {
    return new TaskGroup(this);
  }

  /**
   * Cancels a task by id (it need not have been submitted by this client) and returns what the
   * coordinator did. A task pending on this client is cancelled on its session stream, after its
   * submit, so the cancel is never lost even if sent before the ack (the coordinator holds it until
   * the task is registered). Any other id goes in a unary call: NOT_FOUND at once if the cluster
   * does not know it.
   */
  public CompletableFuture<CancelOutcome> cancel(String taskId, boolean force) {
    requireNonNull(taskId, "taskId");
    if (session.isPending(taskId)) {
      return canceller.cancel(taskId, force);
    }
    return queries.cancel(taskId, force).thenApply(ProtoMapper::toOutcome);
  }

  /**
   * What the coordinator knows about a task (a unary call with {@link
   * ClientOptions#defaultTimeout()}).
   *
   * @return empty if the coordinator knows no such task
   * @throws TaskException if the coordinator cannot be asked (its status is in the message)
   */
  public Optional<TaskStatus> getTask(String taskId) {
    requireNonNull(taskId, "taskId");
    try {
      return queries.getTask(taskId).map(ProtoMapper::toStatus);
    } catch (StatusRuntimeException e) {
      throw new TaskException(taskId, "getTask(" + taskId + ") failed: " + e.getStatus(), e);
    }
  }

  /**
   * The workers connected to the coordinator, with their pools and slots (a unary call with {@link
   * ClientOptions#defaultTimeout()}).
   *
   * @throws TaskException if no coordinator can be asked (its status is in the message)
   */
  public List<WorkerInfo> workers() {
    try {
      List<WorkerInfo> workers = new ArrayList<>();
      for (io.taskgrid.proto.v1.WorkerStatus w : queries.listWorkers()) {
        workers.add(ProtoMapper.toInfo(w));
      }
      return List.copyOf(workers);
    } catch (StatusRuntimeException e) {
      throw new TaskException("", "workers() failed: " + e.getStatus(), e);
    }
  }

  /**
   * The counts of a job's tasks (a unary call with {@link ClientOptions#defaultTimeout()}).
   *
   * @return empty if no coordinator knows the job
   * @throws TaskException if no coordinator can be asked (its status is in the message)
   */
  public Optional<JobStatus> getJob(String jobId) {
    requireNonNull(jobId, "jobId");
    try {
      return queries.getJob(jobId).map(ProtoMapper::toJob);
    } catch (StatusRuntimeException e) {
      throw new TaskException("", "getJob(" + jobId + ") failed: " + e.getStatus(), e);
    }
  }

  /**
   * The queue depths and task counters of the first coordinator that answers (a unary call with
   * {@link ClientOptions#defaultTimeout()}).
   *
   * @throws TaskException if no coordinator can be asked (its status is in the message)
   */
  public CoordinatorStats stats() {
    try {
      return ProtoMapper.toStats(queries.getStats());
    } catch (StatusRuntimeException e) {
      throw new TaskException("", "stats() failed: " + e.getStatus(), e);
    }
  }

  /**
   * The version and limits of the first coordinator that answers (a unary call with {@link
   * ClientOptions#defaultTimeout()}): size batches and payloads by them before being refused.
   *
   * @throws TaskException if no coordinator can be asked (its status is in the message); a
   *     coordinator older than GetServerInfo answers UNIMPLEMENTED
   */
  public ServerInfo serverInfo() {
    try {
      return ProtoMapper.toServerInfo(queries.getServerInfo());
    } catch (StatusRuntimeException e) {
      throw new TaskException("", "serverInfo() failed: " + e.getStatus(), e);
    }
  }

  /** Tasks submitted by this client and not yet ended. */
  public int pendingCount() {
    return session.pendingCount();
  }

  /** The options this client was made with. */
  public ClientOptions options() {
    return options;
  }

  /**
   * Stops intake, closes the stream, fails the pending futures with {@link TaskException}, and
   * stops the client's threads (and its channels, unless the caller owns them). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    session.close();
    ExecutorService callbacks = ownCallbackExecutor;
    if (callbacks != null) {
      callbacks.shutdown();
      try {
        if (!callbacks.awaitTermination(5, TimeUnit.SECONDS)) {
          callbacks.shutdownNow();
        }
      } catch (InterruptedException e) {
        callbacks.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (ownedChannels != null) {
      ownedChannels.close();
    }
  }
}

package io.taskgrid.worker.internal;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.client.internal.rpc.ChannelSecurity;
import io.taskgrid.client.internal.rpc.LocalTokens;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Assignments;
import io.taskgrid.proto.v1.CancelAcks;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.Reconcile;
import io.taskgrid.proto.v1.RunningTasks;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.WorkerOptions;
import io.taskgrid.worker.internal.cpu.ChildCommand;
import io.taskgrid.worker.internal.cpu.CpuPool;
import io.taskgrid.worker.internal.http.HttpEgressPolicy;
import io.taskgrid.worker.internal.io.IoPool;
import io.taskgrid.worker.internal.metrics.MetricsServer;
import io.taskgrid.worker.internal.metrics.WorkerMetrics;
import io.taskgrid.worker.internal.rpc.ConnectionListener;
import io.taskgrid.worker.internal.rpc.CoordinatorConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker agent: routes each assignment of a coordinator connection to the I/O or CPU pool, and
 * each result back to the connection that assigned it, keeping the {@link SlotLedger} in step.
 * Thread-safe; every {@link ConnectionListener} method is non-blocking.
 */
public final class WorkerAgent implements ConnectionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerAgent.class);

  /**
   * Keepalive pings on the worker's channels (the coordinator permits one per second): a frozen
   * coordinator is found within 15 s. The timeout leaves room for a full GC of a loaded coordinator
   * (3 s failed a live one ten times in 30 minutes of soak; see OwnedChannels).
   */
  static final Duration KEEPALIVE_TIME = Duration.ofSeconds(5);

  static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);

  private final String workerId;
  private final Clock clock;
  private final HandlerRegistry registry;
  private final @Nullable URLClassLoader pluginLoader;
  private final IoPool ioPool;
  private final @Nullable CpuPool cpuPool;
  private final SlotLedger<CoordinatorConnection> ledger;
  private final ScheduledExecutorService rpcExecutor;
  private final List<CoordinatorConnection> connections = new ArrayList<>();
  private final List<ManagedChannel> ownedChannels = new ArrayList<>();
  private final CollectorRegistry metricsRegistry;
  private final WorkerMetrics metrics;
  private @Nullable MetricsServer metricsServer;

  /** Handlers' progress, coalesced per task and sent on the assigning connection every tick. */
  private final ProgressCoalescer<CoordinatorConnection> progress =
      new ProgressCoalescer<>(CoordinatorConnection::sendProgress);

  /** Tasks started here and not ended, by id (the attempt), for Reconcile answers. */
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  /** Guards the wait of {@link #drain}; notified when a task ends. */
  private final Object idle = new Object();

  private volatile boolean draining;

  /** Connections whose coordinator answered this worker's Drain (or asked it to drain). */
  private final java.util.Set<CoordinatorConnection> drainAcknowledged =
      ConcurrentHashMap.newKeySet();

  /**
   * Connections whose coordinator is stopping (it sent Drain while this worker was not draining):
   * results go to another coordinator, which accepts them for the leases the stopping one hands
   * over. Cleared when the stream ends (a new stream is a new coordinator).
   */
  private final java.util.Set<CoordinatorConnection> leaving = ConcurrentHashMap.newKeySet();

  private WorkerAgent(WorkerOptions options, String workerId) {
    this.workerId = workerId;
    this.clock = options.clock();
    List<Path> jars = options.pluginsDir().map(HandlerRegistry::pluginJars).orElse(List.of());
    ClassLoader base = WorkerAgent.class.getClassLoader();
    this.pluginLoader = jars.isEmpty() ? null : HandlerRegistry.pluginLoader(jars, base);
    this.registry =
        HandlerRegistry.load(
            pluginLoader != null ? pluginLoader : base,
            HttpEgressPolicy.of(
                options.httpAllow(), options.httpMaxBodyBytes(), options.httpTimeout()),
            options.clock());
    Map<Pool, Integer> capacity = new EnumMap<>(Pool.class);
    capacity.put(Pool.IO, options.ioCapacity());
    if (options.cpuProcesses() > 0) {
      capacity.put(Pool.CPU, options.cpuCapacity());
    }
    this.ledger = new SlotLedger<>(capacity);
    this.metricsRegistry =
        options
            .metricsRegistry()
            .orElseGet(
                () -> {
                  CollectorRegistry own = new CollectorRegistry();
                  WorkerMetrics.registerProcessMetrics(own);
                  return own;
                });
    this.metrics = WorkerMetrics.register(metricsRegistry, capacity, ledger::running);
    this.ioPool =
        new IoPool(
            options.ioThreads(),
            options.blockingThreads(),
            clock,
            workerId,
            System::nanoTime,
            metrics::eventLoopLag);
    this.cpuPool =
        options.cpuProcesses() > 0
            ? new CpuPool(
                options.cpuProcesses(),
                ChildCommand.of(jars, options.childJvmOptions()),
                clock,
                workerId,
                options.cancelGracePeriod(),
                metrics::childRestarted)
            : null;
    if (cpuPool != null) {
      WorkerMetrics.registerCpuChildren(metricsRegistry, cpuPool.processes(), cpuPool::child);
    }
    this.rpcExecutor =
        Executors.newSingleThreadScheduledExecutor(
            new NamedThreadFactory("taskgrid-worker-rpc", true));
    rpcExecutor.scheduleWithFixedDelay(
        progress::flush,
        WorkerOptions.PROGRESS_INTERVAL_MILLIS,
        WorkerOptions.PROGRESS_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Starts an agent: loads the handlers, starts the CPU children and opens one stream per
   * coordinator (or per channel given in the options).
   *
   * @throws IllegalStateException if the handlers cannot be loaded (for example a duplicate name)
   */
  public static WorkerAgent start(WorkerOptions options) {
    String node = options.node().orElseGet(WorkerAgent::hostName);
    String id =
        options
            .workerId()
            .orElseGet(
                () ->
                    node
                        + "-"
                        + ProcessHandle.current().pid()
                        + "-"
                        + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)));
    WorkerAgent agent = new WorkerAgent(options, id);
    try {
      agent.connect(options, node);
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  /** The worker's id. */
  public String id() {
    return workerId;
  }

  private void connect(WorkerOptions options, String node) {
    if (options.metricsPort() != WorkerOptions.METRICS_DISABLED) {
      try {
        metricsServer =
            MetricsServer.start(options.metricsHost(), options.metricsPort(), metricsRegistry);
      } catch (IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    if (cpuPool != null) {
      cpuPool.start();
    }
    WorkerHello hello = hello(options, node);
    List<Channel> channels = new ArrayList<>(options.channels());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      names.add("channel-" + i);
    }
    if (channels.isEmpty()) {
      ChannelCredentials credentials = security(options).channelCredentials();
      for (String target : options.coordinators()) {
        // Direct executor: the stream callbacks only hand work off and never block.
        // Keepalive: a coordinator that stops answering (frozen, host gone) is detected within
        // seconds, so results go to another one instead of waiting for TCP.
        ManagedChannel channel =
            NettyChannelBuilder.forTarget(target, credentials)
                .keepAliveTime(KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .directExecutor()
                .build();
        ownedChannels.add(channel);
        channels.add(channel);
        names.add(target);
      }
    }
    for (int i = 0; i < channels.size(); i++) {
      CoordinatorConnection connection =
          new CoordinatorConnection(
              names.get(i),
              channels.get(i),
              rpcExecutor,
              this,
              ledger,
              hello,
              clock,
              options.heartbeatInterval(),
              options.reconnectInitialBackoff(),
              options.reconnectMaxBackoff());
      connections.add(connection);
      metrics.coordinatorAdded(names.get(i));
    }
    connections.forEach(CoordinatorConnection::start);
    log.info(
        "worker {} started: IO {} slots on {} loops, CPU {} processes (+{} prefetched each),"
            + " handlers IO {} CPU {};"
            + " coordinators {}; {}",
        workerId,
        options.ioCapacity(),
        options.ioThreads(),
        options.cpuProcesses(),
        options.cpuPrefetch(),
        registry.names(TaskPool.IO),
        registry.names(TaskPool.CPU),
        names,
        metricsServer == null ? "metrics endpoint disabled" : "metrics on " + metricsServer.url());
  }

  /**
   * TLS and token of the coordinator channels: the token given, else the token file's, else (for
   * loopback coordinators) the token of a local cluster on that port, as the client finds it.
   */
  private static ChannelSecurity security(WorkerOptions options) {
    String token = options.token().orElse(null);
    if (token == null && options.tokenFile().isPresent()) {
      token = ChannelSecurity.readToken(options.tokenFile().get());
    }
    if (token == null) {
      token = LocalTokens.find(System.getenv(), options.coordinators()).orElse(null);
    }
    return new ChannelSecurity(
        options.tls(),
        options.tlsCaFile().orElse(null),
        options.tlsCertFile().orElse(null),
        options.tlsKeyFile().orElse(null),
        token);
  }

  /** The bound metrics port, or -1 when no metrics endpoint is served. */
  public int metricsPort() {
    MetricsServer m = metricsServer;
    return m == null ? -1 : m.port();
  }

  private WorkerHello hello(WorkerOptions options, String node) {
    WorkerHello.Builder hello =
        WorkerHello.newBuilder()
            .setWorkerId(workerId)
            .setNode(node)
            .putAllLabels(options.labels())
            .addPools(
                PoolSpec.newBuilder()
                    .setPool(Pool.IO)
                    .setCapacity(options.ioCapacity())
                    .addAllHandlers(registry.names(TaskPool.IO)));
    if (cpuPool != null) {
      hello.addPools(
          PoolSpec.newBuilder()
              .setPool(Pool.CPU)
              .setCapacity(options.cpuCapacity())
              .addAllHandlers(registry.names(TaskPool.CPU)));
    }
    return hello.build();
  }

  @Override
  public void onConnected(CoordinatorConnection connection) {
    leaving.remove(connection);
    // Results held for coordinators that are unreachable go out through this one now.
    for (CoordinatorConnection c : connections) {
      if (c != connection && !c.isLive()) {
        c.takeHeldResults().forEach(connection::addResult);
      }
    }
    creditsMayHaveChanged();
  }

  @Override
  public void onAnswered(CoordinatorConnection connection) {
    metrics.coordinatorConnected(connection.name(), true);
  }

  @Override
  public void onReconnectAttempt(CoordinatorConnection connection) {
    metrics.coordinatorReconnectAttempt(connection.name());
  }

  @Override
  public void onDisconnected(CoordinatorConnection connection) {
    metrics.coordinatorConnected(connection.name(), false);
    leaving.remove(connection);
    // Results it could not deliver go to another coordinator: any coordinator accepts a report
    // whose lease is still current (see the coordinator's Scheduler#results). With none up, they
    // stay where they are and go out on the first reconnect.
    List<TaskResult> held = connection.takeHeldResults();
    for (TaskResult r : held) {
      route(connection).addResult(r);
    }
    // Its credits went back to the ledger, which may hand them to the other connections.
    creditsMayHaveChanged();
  }

  @Override
  public void onReconcile(CoordinatorConnection connection, Reconcile reconcile) {
    RunningTasks.Builder answer = RunningTasks.newBuilder();
    for (String id : reconcile.getTaskIdsList()) {
      if (inFlight.containsKey(id)) {
        answer.addRunningTaskIds(id);
      } else {
        answer.addUnknownTaskIds(id);
      }
    }
    connection.sendRunning(answer.build());
  }

  /** The connection a result goes out on: the assigning one if up, else any that is up. */
  private CoordinatorConnection route(CoordinatorConnection assigning) {
    if (assigning.isLive() && !leaving.contains(assigning)) {
      return assigning;
    }
    for (CoordinatorConnection c : connections) {
      if (c.isLive() && !leaving.contains(c)) {
        return c;
      }
    }
    return assigning;
  }

  @Override
  public void onAssignments(CoordinatorConnection connection, Assignments assignments) {
    for (Assignment assignment : assignments.getTasksList()) {
      assign(connection, assignment);
    }
  }

  @Override
  public void onCancels(CoordinatorConnection connection, CancelTasks cancels) {
    Outcome outcome =
        cancels.getOutcome() == Outcome.TIMED_OUT ? Outcome.TIMED_OUT : Outcome.CANCELLED;
    for (String id : cancels.getTaskIdsList()) {
      ioPool.cancel(id, outcome);
    }
    List<String> ids = cancels.getTaskIdsList();
    if (cpuPool != null) {
      cpuPool.cancel(
          ids,
          outcome,
          cancels.getForce(),
          notStarted -> {
            if (cancels.getAck()) {
              connection.sendCancelAcks(acks(ids, notStarted));
            }
          });
    } else if (cancels.getAck()) {
      connection.sendCancelAcks(acks(ids, List.of()));
    }
  }

  /**
   * The answer to a cancel that asked whether its tasks had started. I/O tasks start when they are
   * assigned; only a prefetched CPU task waits here without having started.
   */
  private static CancelAcks acks(List<String> ids, List<String> notStarted) {
    CancelAcks.Builder b = CancelAcks.newBuilder().addAllNotStartedTaskIds(notStarted);
    java.util.Set<String> queued = new java.util.HashSet<>(notStarted);
    for (String id : ids) {
      if (!queued.contains(id)) {
        b.addStartedTaskIds(id);
      }
    }
    return b.build();
  }

  @Override
  public void onDemand(CoordinatorConnection connection) {
    creditsMayHaveChanged();
  }

  @Override
  public void onDrain(CoordinatorConnection connection) {
    if (!draining && leaving.add(connection)) {
      // Not an answer to our Drain: the coordinator stops. It leases nothing more and hands the
      // tasks it assigned here to another coordinator with their leases, so their results go there
      // from now on. The answer goes out after every result already sent to it: then it may close
      // the stream without losing a result in flight.
      ledger.drained(connection);
      for (TaskResult r : connection.takeHeldResults()) {
        route(connection).addResult(r);
      }
      connection.sendDrain();
      log.info("worker {}: coordinator {} is stopping", workerId, connection.name());
    }
    // While this worker drains, a Drain from a coordinator acknowledges ours: everything it
    // assigned before is already here.
    drainAcknowledged.add(connection);
    creditsMayHaveChanged();
    if (draining) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /**
   * Whether an assignment may still be on its way: a live stream has not acknowledged the drain.
   */
  private boolean assignmentsMayArrive() {
    for (CoordinatorConnection c : connections) {
      if (c.isLive() && !drainAcknowledged.contains(c)) {
        return true;
      }
    }
    return false;
  }

  private void assign(CoordinatorConnection connection, Assignment assignment) {
    Optional<TaskHandler<?, ?>> handler = registry.find(assignment.getSpec().getType());
    Pool pool = poolOf(assignment, handler.orElse(null));
    String id = assignment.getSpec().getId();
    Integer runningAttempt = inFlight.get(id);
    if (runningAttempt != null && runningAttempt == assignment.getAttempt()) {
      // The same lease again (task and attempt): another coordinator adopted the task from a record
      // that lagged behind its old owner's lease, and leased it anew under the same attempt
      // number. The run under way answers for both; starting a second one would end the first as
      // CANCELLED under that very attempt, and the coordinators would take that as the task's
      // outcome. The credit this assignment used is given back.
      if (ledger.acquire(connection, pool)) {
        ledger.release(connection, pool);
        creditsMayHaveChanged();
      }
      log.info(
          "worker {}: task {} attempt {} assigned again by {} while it runs here: the run under"
              + " way answers for both",
          workerId,
          id,
          assignment.getAttempt(),
          connection.name());
      return;
    }
    if (!ledger.acquire(connection, pool)) {
      connection.addResult(
          rejected(
              assignment,
              Results.NO_CREDIT,
              "the worker granted no " + pool + " credit for this task",
              true));
      return;
    }
    inFlight.put(assignment.getSpec().getId(), assignment.getAttempt());
    TaskResult invalid = validate(assignment, handler.orElse(null), pool);
    if (invalid != null) {
      done(connection, pool, invalid);
      return;
    }
    Consumer<TaskProgress> reports = p -> progress.report(connection, p);
    if (pool == Pool.CPU && cpuPool != null) {
      cpuPool.submit(assignment, reports, result -> done(connection, pool, result));
    } else {
      ioPool.start(
          assignment, handler.orElseThrow(), reports, result -> done(connection, pool, result));
    }
  }

  private static Pool poolOf(Assignment assignment, @Nullable TaskHandler<?, ?> handler) {
    Pool asked = assignment.getPool();
    if (asked == Pool.IO || asked == Pool.CPU) {
      return asked;
    }
    asked = assignment.getSpec().getPool();
    if (asked == Pool.IO || asked == Pool.CPU) {
      return asked;
    }
    return handler != null && handler.pool() == TaskPool.CPU ? Pool.CPU : Pool.IO;
  }

  private @Nullable TaskResult validate(
      Assignment assignment, @Nullable TaskHandler<?, ?> handler, Pool pool) {
    String type = assignment.getSpec().getType();
    if (handler == null) {
      return rejected(
          assignment, Results.UNKNOWN_TASK_TYPE, "no handler named '" + type + "'", false);
    }
    TaskPool needed = pool == Pool.CPU ? TaskPool.CPU : TaskPool.IO;
    if (handler.pool() != needed) {
      return rejected(
          assignment,
          "WrongPool",
          "handler '" + type + "' runs in the " + handler.pool() + " pool, not " + pool,
          false);
    }
    return null;
  }

  private TaskResult rejected(
      Assignment assignment, String type, String message, boolean retryable) {
    long now = clock.millis();
    return Results.ended(
        Results.base(assignment, workerId, 0, now), Outcome.REJECTED, type, message, retryable);
  }

  /** A task ended: its result goes back on the stream that assigned it, its slot to the ledger. */
  private void done(CoordinatorConnection connection, Pool pool, TaskResult result) {
    Integer current = inFlight.get(result.getTaskId());
    if (current != null
        && current != result.getAttempt()
        && result.getOutcome() == Outcome.CANCELLED) {
      // A newer attempt of the task was assigned here and stopped this run (the I/O and CPU pools
      // stop the older one): its CANCELLED is nobody's outcome. Reported, it could end the task
      // wherever a store record still shows this attempt's lease. Only its slot goes back; the
      // newer attempt keeps the task's in-flight entry and progress.
      log.info(
          "worker {}: task {} attempt {} stopped for attempt {}",
          workerId,
          result.getTaskId(),
          result.getAttempt(),
          current);
      ledger.release(connection, pool);
      creditsMayHaveChanged();
      return;
    }
    metrics.completed(pool, result.getOutcome());
    progress.forget(result.getTaskId());
    // Queued before the task is forgotten: drain() reads an empty inFlight as "every result is
    // queued", and close() flushes only what is queued.
    route(connection).addResult(result);
    inFlight.remove(result.getTaskId(), result.getAttempt());
    ledger.release(connection, pool);
    creditsMayHaveChanged();
    if (draining) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /**
   * Takes no new work (no more credits to any coordinator) and waits until the running tasks end or
   * {@code timeout} passes; their results are sent as usual. Tasks still running afterwards are
   * stopped by {@link #close()} and handed back: their coordinators re-queue them when the stream
   * ends.
   *
   * @return whether every task ended in time
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    draining = true;
    ledger.stopGranting();
    for (CoordinatorConnection c : connections) {
      ledger.drained(c);
      // Credits the coordinators still hold would otherwise keep bringing work.
      c.sendDrain();
    }
    long budget = Saturating.toNanos(timeout);
    long start = System.nanoTime();
    synchronized (idle) {
      while (!inFlight.isEmpty() || assignmentsMayArrive()) {
        long left = budget - (System.nanoTime() - start);
        if (left <= 0) {
          log.warn("worker {} drained with {} task(s) still running", workerId, inFlight.size());
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    log.info("worker {} drained: no task running", workerId);
    return true;
  }

  private void creditsMayHaveChanged() {
    // A freed slot may be granted to any live connection, so each checks its unsent credits.
    for (CoordinatorConnection c : connections) {
      c.creditsChanged();
    }
  }

  /** Stops intake, closes the streams, stops the pools and kills the children. */
  @Override
  public void close() {
    for (CoordinatorConnection c : connections) {
      c.close();
    }
    ioPool.close();
    if (cpuPool != null) {
      cpuPool.close();
    }
    Executors2.shutdown(rpcExecutor, Duration.ofSeconds(1));
    if (metricsServer != null) {
      metricsServer.close();
    }
    for (ManagedChannel channel : ownedChannels) {
      channel.shutdown();
    }
    for (ManagedChannel channel : ownedChannels) {
      try {
        if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (pluginLoader != null) {
      try {
        pluginLoader.close();
      } catch (IOException e) {
        log.debug("closing the plugin class loader", e);
      }
    }
    log.info("worker {} stopped", workerId);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}

package io.taskgrid.coordinator.internal;

import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.auth.AuthInterceptor;
import io.taskgrid.coordinator.internal.auth.Credentials;
import io.taskgrid.coordinator.internal.cluster.ClusterQuorum;
import io.taskgrid.coordinator.internal.cluster.HazelcastCompletionBus;
import io.taskgrid.coordinator.internal.cluster.HazelcastTypePermits;
import io.taskgrid.coordinator.internal.cluster.MinorityWatch;
import io.taskgrid.coordinator.internal.cluster.PartitionLossWatch;
import io.taskgrid.coordinator.internal.cluster.QuorumFunction;
import io.taskgrid.coordinator.internal.cluster.TaskAdoption;
import io.taskgrid.coordinator.internal.concurrent.NamedThreadFactory;
import io.taskgrid.coordinator.internal.metrics.CoordinatorMetrics;
import io.taskgrid.coordinator.internal.metrics.GrpcServerMetrics;
import io.taskgrid.coordinator.internal.metrics.MetricsServer;
import io.taskgrid.coordinator.internal.rpc.MalformedInputGuard;
import io.taskgrid.coordinator.internal.rpc.ServingGate;
import io.taskgrid.coordinator.internal.sched.HeapHeadroom;
import io.taskgrid.coordinator.internal.store.HazelcastTaskStore;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: an embedded Hazelcast member (the task store) and one Netty gRPC server
 * serving TaskService, WorkerService, grpc.health.v1 and (opt-in) server reflection. Start with
 * {@link #start(CoordinatorOptions)}; {@link #close()} stops it gracefully. Thread-safe.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  /** Room for a full batch of large payloads, so limits are reported per task, not by HTTP/2. */
  static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final @Nullable HazelcastInstance ownedHazelcast;
  private final HazelcastInstance hazelcast;
  private final CoordinatorRuntime runtime;
  private final HealthStatusManager health;
  private final Server server;
  private final String target;
  private final @Nullable MetricsServer metricsServer;
  private final TaskAdoption adoption;
  private final ServingGate gate;
  private final ClusterQuorum quorum;
  private final CompletableFuture<Void> rejoinNeeded = new CompletableFuture<>();
  private boolean closed;

  /** The shortest keepalive interval a client or worker may use. */
  static final Duration PERMIT_KEEPALIVE = Duration.ofSeconds(1);

  /** Bounds of the steps of a graceful stop. */
  private static final Duration STOP_LEASING_WAIT = Duration.ofSeconds(2);

  private static final Duration RELEASE_WAIT = Duration.ofSeconds(3);
  private static final Duration STORE_FLUSH_WAIT = Duration.ofSeconds(5);
  private static final Duration STREAM_CLOSE_WAIT = Duration.ofSeconds(1);

  private Coordinator(
      @Nullable HazelcastInstance ownedHazelcast,
      CoordinatorRuntime runtime,
      HealthStatusManager health,
      Server server,
      String target,
      @Nullable MetricsServer metricsServer,
      TaskAdoption adoption,
      ServingGate gate,
      HazelcastInstance hz,
      CoordinatorOptions options) {
    this.adoption = adoption;
    this.gate = gate;
    this.ownedHazelcast = ownedHazelcast;
    this.hazelcast = hz;
    this.runtime = runtime;
    this.health = health;
    this.server = server;
    this.target = target;
    this.metricsServer = metricsServer;
    this.quorum =
        ClusterQuorum.start(
            hz,
            options.clock(),
            MinorityWatch.Settings.of(options.memberTimeout(), options.quorumGrace()),
            new MinorityWatch.Listener() {
              @Override
              public void fenced(String reason) {
                fence(reason);
              }

              @Override
              public void whole(boolean rejoined) {
                if (rejoined) {
                  // Its tasks were adopted by the majority while it was cut off: its scheduler's
                  // view is stale, so it stays fenced until its owner starts it afresh.
                  rejoinNeeded.complete(null);
                } else {
                  unfence();
                }
              }
            },
            runtime.metricsRegistry());
    SplitBrainProtectionConfig protection =
        hz.getConfig().getSplitBrainProtectionConfigs().get(QuorumFunction.NAME);
    if (protection != null
        && protection.getFunctionImplementation() instanceof QuorumFunction function) {
      function.attach(quorum.watch()::hasQuorum);
      function.onHeartbeats(quorum::heard);
    }
    runtime.acknowledgeOnlyIf(quorum::acknowledgement);
    quorum.onTick(runtime::releaseHeldResults);
  }

  private void fence(String reason) {
    adoption.fenced();
    gate.close(reason);
    setHealth(ServingStatus.NOT_SERVING);
    runtime.fence(ServingGate.notServing(reason));
  }

  private void unfence() {
    runtime.unfence();
    gate.open();
    setHealth(ServingStatus.SERVING);
    adoption.serving();
  }

  private void setHealth(ServingStatus status) {
    health.setStatus("", status);
    health.setStatus(TaskServiceGrpc.SERVICE_NAME, status);
    health.setStatus(WorkerServiceGrpc.SERVICE_NAME, status);
  }

  /**
   * Completes when this coordinator was cut off from its cluster and merged back into it: the
   * others adopted its tasks meanwhile, so it does not serve again as it is; its owner closes it
   * and starts a new one with the same options (the {@code taskgrid coordinator} command does).
   */
  public CompletableFuture<Void> rejoinNeeded() {
    return rejoinNeeded;
  }

  /**
   * Whether this coordinator serves: false while fenced off (see MinorityWatch), and for good once
   * it was merged back ({@link #rejoinNeeded()}: it refuses calls until started afresh, like its
   * serving gauge).
   */
  public boolean serving() {
    return quorum.watch().serving() && !rejoinNeeded.isDone();
  }

  /** Starts a Hazelcast member and the gRPC server; returns once both are serving. */
  public static Coordinator start(CoordinatorOptions options) throws IOException {
    HazelcastConfigs.publicHostWarning(options.hazelcastHost()).ifPresent(log::warn);
    checkHeap(options); // before the member starts: a refused budget leaves nothing to stop
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.memberConfig(options));
    try {
      return start(options, hz, hz);
    } catch (IOException | RuntimeException e) {
      hz.shutdown();
      throw e;
    }
  }

  /** How long a fresh start after a rejoin may take before it is abandoned and tried again. */
  public static final Duration FRESH_START_DEADLINE = Duration.ofSeconds(30);

  /** How many fresh starts after a rejoin are tried before the start fails. */
  public static final int FRESH_START_ATTEMPTS = 3;

  /** Runs a fresh start, and takes an abandoned one's member out (daemon threads). */
  private static final NamedThreadFactory FRESH_START_THREADS =
      new NamedThreadFactory("fresh-start");

  /**
   * Starts a coordinator afresh after its predecessor in this process was merged back into its
   * cluster and closed (see {@link #rejoinNeeded()}), on the same ports. Hazelcast sometimes never
   * completes a listener registration on a member that joins on the address its previous instance
   * left a moment before: one of the others resets the new member's connection while it still holds
   * the old one's, and the registration waits on it for ever (InJvmSplitMergeTest hit it in about 1
   * of 12 runs, blocked in {@code ITopic.addMessageListener}). A start that takes longer than
   * {@code deadline} is therefore abandoned: its member leaves (see leave()), which fails the
   * blocked call, and a new member is started, up to {@code attempts} times in all.
   */
  public static Coordinator startAfresh(CoordinatorOptions options, Duration deadline, int attempts)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.memberConfig(options));
      CompletableFuture<Coordinator> started = new CompletableFuture<>();
      FRESH_START_THREADS
          .newThread(
              () -> {
                try {
                  started.complete(start(options, hz, hz));
                } catch (IOException | RuntimeException e) {
                  started.completeExceptionally(e);
                }
              })
          .start();
      try {
        return started.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn(
            "Starting afresh did not finish within {} (attempt {} of {}); starting its member again",
            deadline,
            attempt,
            attempts);
      } catch (ExecutionException e) {
        log.warn("Starting afresh failed (attempt {} of {})", attempt, attempts, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        hz.getLifecycleService().terminate();
        throw new IOException("interrupted while starting afresh", e);
      }
      leave(hz); // fails the blocked call, if any
      try {
        // The start ends with an error once its member is gone; one that completed in the
        // meantime is closed (its gRPC port must be free for the next attempt).
        started.get(Math.max(deadline.toMillis(), 10_000), TimeUnit.MILLISECONDS).close();
      } catch (TimeoutException | ExecutionException e) {
        log.debug("The abandoned start ended", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting afresh", e);
      }
      if (attempt >= attempts) {
        throw new IOException(
            "could not start afresh after a rejoin: " + attempts + " attempts of " + deadline);
      }
    }
  }

  /**
   * Takes an abandoned start's member out of the cluster: gracefully if it can within 20 s (it may
   * own partitions by now, which a graceful shutdown migrates to the others), else at once.
   */
  private static void leave(HazelcastInstance hz) {
    Thread stopper =
        FRESH_START_THREADS.newThread(
            () -> {
              try {
                hz.shutdown();
              } catch (RuntimeException e) {
                log.debug("The abandoned member's shutdown failed", e);
              }
            });
    stopper.start();
    try {
      stopper.join(20_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopper.isAlive() || hz.getLifecycleService().isRunning()) {
      hz.getLifecycleService().terminate();
    }
  }

  /** Refuses a retention budget the heap cannot hold; warns when it takes most of it. */
  private static void checkHeap(CoordinatorOptions options) {
    boolean clustered = !options.members().isEmpty() || !options.kubernetesServiceDns().isEmpty();
    RetentionHeapCheck.check(
            options.retention(),
            clustered,
            Runtime.getRuntime().maxMemory(),
            HeapHeadroom.oldGenerationMax())
        .ifPresent(log::warn);
  }

  /**
   * Starts the gRPC server on an existing Hazelcast instance (tests, embedding); the instance is
   * not shut down by {@link #close()}.
   */
  public static Coordinator start(CoordinatorOptions options, HazelcastInstance hazelcast)
      throws IOException {
    return start(options, hazelcast, null);
  }

  private static Coordinator start(
      CoordinatorOptions options, HazelcastInstance hz, @Nullable HazelcastInstance owned)
      throws IOException {
    if (owned == null) {
      checkHeap(options);
    }
    ServerTls tls = options.tls();
    // Read the certificate and key first: a bad file fails the start before anything runs.
    ServerCredentials tlsCredentials = tls == null ? null : serverCredentials(tls);
    CollectorRegistry registry = new CollectorRegistry();
    CoordinatorMetrics.registerProcessMetrics(registry);
    CoordinatorMetrics.registerClusterGauges(registry, hz);
    CoordinatorRuntime runtime =
        CoordinatorRuntime.create(
            options,
            exec -> new HazelcastTaskStore(hz, options.resultTtl(), exec),
            exec -> new HazelcastTypePermits(hz, exec),
            TaskAdoption.ownerId(hz),
            new HazelcastCompletionBus(hz),
            registry);
    TaskAdoption adoption =
        new TaskAdoption(hz, runtime.store(), runtime.scheduler(), runtime.storeExecutor());
    HealthStatusManager health = new HealthStatusManager();
    InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
    NettyServerBuilder builder =
        (tlsCredentials == null
                ? NettyServerBuilder.forAddress(address)
                : NettyServerBuilder.forAddress(address, tlsCredentials))
            // Every callback only validates and hands off to our executors: never blocks.
            .directExecutor()
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            // A worker's stream is its lease: keepalive pings find a dead peer (and release its
            // tasks) even when the connection is silent.
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            // SDK and worker channels ping every few seconds to find a frozen coordinator fast;
            // pings closer than this are refused (GOAWAY too_many_pings).
            .permitKeepAliveTime(PERMIT_KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS)
            .permitKeepAliveWithoutCalls(true);
    // Every service, health included, parses its requests under the guard: undecodable bytes get
    // INVALID_ARGUMENT, never grpc-java's UNKNOWN.
    MalformedInputGuard guard = new MalformedInputGuard(options.clock());
    // Outermost on every service: the gRPC metrics see each call, refused ones included.
    GrpcServerMetrics grpcMetrics = GrpcServerMetrics.register(registry);
    builder.addService(grpcMetrics.bind(guard.guard(health.getHealthService().bindService())));
    Credentials credentials = options.credentials();
    AuthInterceptor auth = credentials == null ? null : new AuthInterceptor(credentials);
    List<BindableService> services = new ArrayList<>(runtime.services());
    if (options.reflection()) {
      // Opt-in: reflection describes every service and message to anyone who can connect; with
      // authentication on, it is for admins only (AccessPolicy).
      services.add(ProtoReflectionServiceV1.newInstance());
    }
    ServingGate gate = new ServingGate();
    for (BindableService s : services) {
      // The guard turns undecodable messages into INVALID_ARGUMENT; authentication runs first,
      // then the serving gate (a fenced coordinator refuses TaskService and WorkerService calls).
      ServerServiceDefinition guarded = guard.guard(s.bindService());
      if (runtime.services().contains(s)) {
        guarded = ServerInterceptors.intercept(guarded, gate);
      }
      builder.addService(
          grpcMetrics.bind(auth == null ? guarded : ServerInterceptors.intercept(guarded, auth)));
    }
    Server server;
    MetricsServer metrics = null;
    try {
      if (options.metricsPort() != CoordinatorOptions.METRICS_DISABLED) {
        metrics = MetricsServer.start(options.metricsHost(), options.metricsPort(), registry);
      }
      server = builder.build().start();
    } catch (IOException | RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      runtime.close();
      throw e;
    }
    // A start that fails (or is abandoned, see startAfresh) after the server bound its port must
    // free it, or the next try cannot bind.
    try {
      adoption.start();
      PartitionLossWatch partitionLoss =
          new PartitionLossWatch(
              hz,
              HazelcastTaskStore.backupCount(hz.getConfig()),
              registry,
              runtime::storeLostRecords);
      partitionLoss.start();
      health.setStatus("", ServingStatus.SERVING);
      health.setStatus(TaskServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
      health.setStatus(WorkerServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
      String advertised =
          options.host().equals("0.0.0.0") || options.host().equals("::")
              ? "127.0.0.1"
              : options.host();
      String target = advertised + ":" + server.getPort();
      log.info(
          "Coordinator serving gRPC on {} ({}, {}); Hazelcast member {} of cluster {} ({} member(s)); {}",
          target,
          tls == null
              ? "plaintext"
              : "TLS" + (tls.clientCaFile() == null ? "" : ", client certificates"),
          credentials == null ? "no authentication" : credentials.size() + " credential(s)",
          hz.getCluster().getLocalMember().getAddress(),
          options.clusterName(),
          hz.getCluster().getMembers().size(),
          metrics == null ? "metrics endpoint disabled" : "metrics on " + metrics.url());
      return new Coordinator(
          owned, runtime, health, server, target, metrics, adoption, gate, hz, options);
    } catch (RuntimeException e) {
      server.shutdownNow();
      if (metrics != null) {
        metrics.close();
      }
      adoption.close();
      runtime.close();
      throw e;
    }
  }

  private static ServerCredentials serverCredentials(ServerTls tls) throws IOException {
    TlsServerCredentials.Builder b =
        TlsServerCredentials.newBuilder()
            .keyManager(tls.certChainFile().toFile(), tls.privateKeyFile().toFile());
    Path clientCa = tls.clientCaFile();
    if (clientCa != null) {
      b.trustManager(clientCa.toFile())
          .clientAuth(
              tls.requireClientCertificate()
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.OPTIONAL);
    }
    return b.build();
  }

  private void awaitStep(CompletableFuture<Void> step, Duration bound, String what) {
    try {
      step.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Stopping: gave up waiting for {} after {}", what, bound);
    } catch (ExecutionException e) {
      log.warn("Stopping: waiting for {} failed", what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The bound gRPC port. */
  public int port() {
    return server.getPort();
  }

  /** The "host:port" clients and workers dial. */
  public String target() {
    return target;
  }

  /** The bound metrics port, or -1 when no metrics endpoint is served. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /**
   * The registry holding this coordinator's metrics (a worker in the same process may share it).
   */
  public CollectorRegistry metricsRegistry() {
    return runtime.metricsRegistry();
  }

  /** Its Hazelcast member (owned or given), for tests and embedding. */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /** The coordinator's logic (scheduler, store), for status and tests. */
  public CoordinatorRuntime runtime() {
    return runtime;
  }

  /**
   * Stops gracefully, handing this coordinator's tasks to the others without charging an attempt:
   * stops taking calls and leasing, ends client sessions (clients fail over), tells every worker to
   * send its results elsewhere from now on and waits for its answer, waits for the pending store
   * writes, and only then closes the worker streams. Their end re-queues nothing here: the records
   * still show each lease, and the member that adopts the tasks keeps those leases (the workers run
   * on and report to it). Each wait is bounded, so a stuck peer only slows the stop.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Before anything else: the others must count this departure as a stop, not a loss.
    quorum.announceDeparture();
    quorum.close();
    adoption.close();
    // Before the worker streams end: the permits of the tasks still running on those workers go
    // to the adopting member with the tasks, not back to the cluster.
    runtime.scheduler().freezeTypePermits();
    health.enterTerminalState();
    server.shutdown(); // no new calls; the open streams go on for now
    awaitStep(runtime.scheduler().stopLeasing(), STOP_LEASING_WAIT, "stop leasing");
    // UNAVAILABLE, not the CANCELLED a forced shutdown gives: standard retry policies retry it.
    CompletableFuture<Void> sessionsClosed = runtime.closeSessions();
    awaitStep(runtime.scheduler().releaseWorkers(), RELEASE_WAIT, "workers to answer the drain");
    awaitStep(runtime.scheduler().storeWritesDone(), STORE_FLUSH_WAIT, "pending store writes");
    awaitStep(sessionsClosed, STREAM_CLOSE_WAIT, "client streams to close");
    // The long-lived worker streams end now, UNAVAILABLE as well (their end re-queues nothing).
    awaitStep(runtime.closeWorkerStreams(), STREAM_CLOSE_WAIT, "worker streams to close");
    try {
      // Unary calls had the waits above to finish; whatever is still open ends now.
      server.shutdownNow();
      server.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The executors finish the store writes they hold before the member leaves; then the
    // member's graceful shutdown migrates its partitions, and the oldest remaining coordinator
    // adopts the tasks this one scheduled (see TaskAdoption).
    runtime.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
    if (ownedHazelcast != null) {
      ownedHazelcast.shutdown();
    }
    log.info("Coordinator on {} stopped", target);
  }
}

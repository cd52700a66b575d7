package io.taskgrid.coordinator.internal;

import io.grpc.BindableService;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.concurrent.Executors2;
import io.taskgrid.coordinator.internal.concurrent.NamedThreadFactory;
import io.taskgrid.coordinator.internal.metrics.CoordinatorMetrics;
import io.taskgrid.coordinator.internal.metrics.TimedTaskStore;
import io.taskgrid.coordinator.internal.rpc.LeaseMonitor;
import io.taskgrid.coordinator.internal.rpc.OutboundStreams;
import io.taskgrid.coordinator.internal.rpc.RequestLimits;
import io.taskgrid.coordinator.internal.rpc.TaskGrpcService;
import io.taskgrid.coordinator.internal.rpc.WorkerGrpcService;
import io.taskgrid.coordinator.internal.sched.AcknowledgementGate;
import io.taskgrid.coordinator.internal.sched.CompletionBus;
import io.taskgrid.coordinator.internal.sched.CompletionHub;
import io.taskgrid.coordinator.internal.sched.FenceableRetries;
import io.taskgrid.coordinator.internal.sched.HeapHeadroom;
import io.taskgrid.coordinator.internal.sched.InMemoryTypePermits;
import io.taskgrid.coordinator.internal.sched.IntakeSettings;
import io.taskgrid.coordinator.internal.sched.JobStats;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.SchedulerSettings;
import io.taskgrid.coordinator.internal.sched.TaskIntake;
import io.taskgrid.coordinator.internal.sched.TypePermits;
import io.taskgrid.coordinator.internal.store.TaskStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The coordinator's logic without a transport: store, scheduler and the two gRPC services, with the
 * executors they run on. {@link Coordinator} binds it to Netty; tests bind {@link #services()} to
 * an in-process server. Owns its executors and the store it created.
 */
public final class CoordinatorRuntime implements AutoCloseable {
  /**
   * How often run timeouts and deadlines are checked (their resolution). 50 ms: a 500 ms deadline
   * ends within 600 ms with room for a busy machine (issue 12); an idle check is one cheap step per
   * pool.
   */
  static final Duration TIMEOUT_CHECK_INTERVAL = Duration.ofMillis(50);

  private final ThreadPoolExecutor storeExecutor;
  private final ThreadPoolExecutor schedulerExecutor;
  private final ThreadPoolExecutor outboundExecutor;
  private final ScheduledExecutorService timer;
  private final ScheduledFuture<?> timeoutCheck;
  private final TaskStore store;
  private final Scheduler scheduler;
  private final CompletionHub hub;
  private final TaskGrpcService taskService;
  private final WorkerGrpcService workerService;

  private final CollectorRegistry metricsRegistry;

  /** The retries of store writes, parked while this coordinator is fenced. */
  private final FenceableRetries storeRetries;

  private final ScheduledFuture<?> leaseCheck;

  private CoordinatorRuntime(
      CoordinatorOptions options,
      Function<Executor, TaskStore> storeFactory,
      Function<Executor, TypePermits> permitsFactory,
      String ownerId,
      CompletionBus bus,
      CollectorRegistry metricsRegistry) {
    this.metricsRegistry = metricsRegistry;
    // Small fixed pools: the machine has 2 cores and all work here is non-blocking hand-offs.
    this.storeExecutor = Executors2.fixed("store", 2);
    this.schedulerExecutor = Executors2.fixed("sched", 2);
    this.outboundExecutor = Executors2.fixed("out", 2);
    // The timer only triggers checks and retries; what is due is decided with the injected clock.
    this.timer = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("timer"));
    this.store = TimedTaskStore.wrap(storeFactory.apply(storeExecutor), metricsRegistry);
    this.storeRetries = new FenceableRetries(this::afterDelay);
    CoordinatorMetrics metrics = CoordinatorMetrics.register(metricsRegistry);
    this.hub = new CompletionHub();
    // A job's task ids beyond the retention budget name results that are gone anyway.
    JobStats jobs = new JobStats((int) options.retainedMax(), JobStats.DEFAULT_MAX_FINISHED_JOBS);
    this.scheduler =
        new Scheduler(
            options.clock(),
            store,
            hub,
            jobs,
            schedulerExecutor,
            SchedulerSettings.defaults()
                .withOwner(ownerId, bus)
                .withEvents(metrics)
                .withTypeLimits(options.typeLimits())
                .withPermits(permitsFactory.apply(storeExecutor), storeRetries)
                .withHeldCancels(options.heldCancelLimits()));
    scheduler.rememberTypesFor(options.rememberTypesFor());
    metrics.registerSchedulerGauges(metricsRegistry, scheduler);
    CoordinatorMetrics.registerRetentionGauges(metricsRegistry, store, options.retention());
    CoordinatorMetrics.registerStoreOperationCounters(metricsRegistry, store);
    TaskIntake intake =
        new TaskIntake(
            options.clock(),
            store,
            scheduler,
            IntakeSettings.of(
                    options.maxPayloadBytes(), options.maxBatchSize(), options.maxQueuedTasks())
                .withTenantLimit(options.maxQueuedTasksPerTenant())
                .withHeap(HeapHeadroom.ofThisJvm(options.maxHeapUsedPercent()))
                .withCreateRetries(storeRetries));
    OutboundStreams streams =
        OutboundStreams.of(
            outboundExecutor,
            options.maxMessageBytes(),
            options.maxStreamQueueBytes(),
            options.notReadingTimeout(),
            options.clock(),
            this::afterDelay);
    this.taskService =
        new TaskGrpcService(
            intake,
            scheduler,
            hub,
            jobs,
            store,
            streams,
            new RequestLimits(options.maxIdsPerRequest(), options.maxQueuedTasksPerSession()),
            ServerInfos.of(options));
    LeaseMonitor leases = new LeaseMonitor(options.clock(), options.leaseTimeout(), metrics);
    this.workerService =
        new WorkerGrpcService(
            scheduler, options.clock(), streams, leases, options.maxPayloadBytes());
    this.timeoutCheck =
        timer.scheduleWithFixedDelay(
            scheduler::checkTimeouts,
            TIMEOUT_CHECK_INTERVAL.toMillis(),
            TIMEOUT_CHECK_INTERVAL.toMillis(),
            TimeUnit.MILLISECONDS);
    // Checked a few times per lease, so a silent worker is declared dead within ~1.25 leases.
    long leaseCheckMillis = Math.max(50, options.leaseTimeout().toMillis() / 4);
    this.leaseCheck =
        timer.scheduleWithFixedDelay(
            leases::check, leaseCheckMillis, leaseCheckMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Creates a runtime whose store is built by {@code storeFactory} from the store executor (for
   * example {@code exec -> new InMemoryTaskStore(clock, ttl, exec)}). It is alone: its type limits
   * count its own tasks.
   */
  public static CoordinatorRuntime create(
      CoordinatorOptions options, Function<Executor, TaskStore> storeFactory) {
    return new CoordinatorRuntime(
        options,
        storeFactory,
        exec -> new InMemoryTypePermits(),
        "local",
        CompletionBus.LOCAL,
        new CollectorRegistry());
  }

  /**
   * Creates a runtime that is one member of a coordinator cluster: {@code ownerId} goes into the
   * records it schedules, {@code bus} carries completions between the members, the type permits
   * built by {@code permitsFactory} (from the store executor) are shared with them. Its metrics go
   * on {@code metricsRegistry} (owned by the caller; never the default registry).
   */
  public static CoordinatorRuntime create(
      CoordinatorOptions options,
      Function<Executor, TaskStore> storeFactory,
      Function<Executor, TypePermits> permitsFactory,
      String ownerId,
      CompletionBus bus,
      CollectorRegistry metricsRegistry) {
    return new CoordinatorRuntime(
        options, storeFactory, permitsFactory, ownerId, bus, metricsRegistry);
  }

  /** Runs a task on the timer after a delay; once the runtime is closed, drops it. */
  private void afterDelay(Duration delay, Runnable task) {
    try {
      ScheduledFuture<?> unused = timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closing: nothing is scheduled any more.
    }
  }

  /** The registry this runtime's metrics are on. */
  public CollectorRegistry metricsRegistry() {
    return metricsRegistry;
  }

  /** The executor for store continuations and rare cluster work (adoption). */
  public Executor storeExecutor() {
    return storeExecutor;
  }

  /** The lease monitor of the worker streams. */
  public LeaseMonitor leases() {
    return workerService.leases();
  }

  /** TaskService and WorkerService, to add to a server builder. */
  public List<BindableService> services() {
    return List.of(taskService, workerService);
  }

  /** The store lost records: client sessions look for lost tasks among those they watch. */
  public void storeLostRecords() {
    taskService.recheckSessions();
  }

  /**
   * Ends every client Session and Watch stream with UNAVAILABLE, so that clients fail over (before
   * a stop); completes once each status is sent.
   */
  public CompletableFuture<Void> closeSessions() {
    return taskService.closeSessions();
  }

  /** Ends every worker stream with UNAVAILABLE (last step of a stop); completes once sent. */
  public CompletableFuture<Void> closeWorkerStreams() {
    return workerService.closeStreams();
  }

  /**
   * Stops serving while this coordinator is in a minority of its cluster or just resumed from a
   * pause: nothing is leased, client sessions and worker streams end with {@code status}
   * (UNAVAILABLE: they fail over to another coordinator), and no worker is declared dead. New calls
   * are refused by the caller (see ServingGate). {@link #unfence()} serves again.
   */
  public void fence(io.grpc.Status status) {
    storeRetries.fence();
    CompletableFuture<Void> unused = scheduler.fence();
    taskService.closeSessions(status);
    workerService.leases().fence(status);
  }

  /** Results are acknowledged to their watchers only as {@code gate} says. */
  public void acknowledgeOnlyIf(AcknowledgementGate gate) {
    hub.acknowledgeOnlyIf(gate);
  }

  /** Asks the acknowledgement gate again about the results it held (see CompletionHub). */
  public void releaseHeldResults() {
    hub.releaseHeld();
  }

  /** Serves again after {@link #fence}. */
  public void unfence() {
    workerService.leases().unfence();
    scheduler.unfence();
    storeRetries.unfence();
  }

  /** The scheduler (for status and tests). */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The task store. */
  public TaskStore store() {
    return store;
  }

  /** Stops the executors (after the server stopped taking calls) and closes the store. */
  @Override
  public void close() {
    Duration grace = Duration.ofSeconds(2);
    timeoutCheck.cancel(false);
    leaseCheck.cancel(false);
    Executors2.shutdown(timer, grace);
    Executors2.shutdown(schedulerExecutor, grace);
    Executors2.shutdown(storeExecutor, grace);
    Executors2.shutdown(outboundExecutor, grace);
    store.close();
  }
}

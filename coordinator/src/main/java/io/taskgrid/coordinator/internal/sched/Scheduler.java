package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.coordinator.internal.concurrent.SerialExecutor;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelResponse;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.WorkerStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's scheduling front: routes tasks, worker events and cancels to the serial owner
 * of each task (the unresolved area or a pool's {@link PoolScheduler}), and turns their state
 * changes into store writes and completion events. Thread-safe; its methods never block and may be
 * called from gRPC threads.
 */
public final class Scheduler implements SchedulerSink {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final Clock clock;
  private final TaskStore store;
  private final CompletionHub hub;
  private final JobStats jobs;
  private final TaskTypes types = new TaskTypes();
  private final Map<Pool, PoolScheduler> pools = new EnumMap<>(Pool.class);
  private final UnresolvedTasks unresolved;

  /** Tasks accepted here and not ended, for routing; their state belongs to the owners. */
  private final ConcurrentHashMap<String, LiveTask> live = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<String, WorkerHandle> workers = new ConcurrentHashMap<>();
  private final AtomicLong liveCount = new AtomicLong();

  /**
   * A scheduler without type limits and with random retry jitter.
   *
   * @param delegate the shared pool on which the per-pool serial executors run
   */
  public Scheduler(
      Clock clock, TaskStore store, CompletionHub hub, JobStats jobs, Executor delegate) {
    this(
        clock,
        store,
        hub,
        jobs,
        delegate,
        Map.of(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param delegate the shared pool on which the per-pool serial executors run
   * @param typeLimits the most running tasks per task type (types not listed are unlimited)
   * @param jitter uniform values in [0, 1) that spread retry backoffs
   */
  public Scheduler(
      Clock clock,
      TaskStore store,
      CompletionHub hub,
      JobStats jobs,
      Executor delegate,
      Map<String, Integer> typeLimits,
      DoubleSupplier jitter) {
    RetryBackoff backoff = new RetryBackoff(jitter);
    this.clock = clock;
    this.store = store;
    this.hub = hub;
    this.jobs = jobs;
    for (Pool p : new Pool[] {Pool.IO, Pool.CPU}) {
      pools.put(
          p,
          new PoolScheduler(
              p,
              new SerialExecutor("pool-" + p.name().toLowerCase(java.util.Locale.ROOT), delegate),
              clock,
              this,
              jobs,
              new TypeLimits(typeLimits),
              backoff));
    }
    this.unresolved =
        new UnresolvedTasks(
            new SerialExecutor("unresolved", delegate),
            types,
            clock,
            (pool, tasks) -> pools.get(pool).enqueue(tasks),
            this,
            jobs);
  }

  TaskTypes types() {
    return types;
  }

  /** Reserves room for one more live task; false when {@code max} are live already. */
  boolean tryReserve(long max) {
    while (true) {
      long n = liveCount.get();
      if (n >= max) {
        return false;
      }
      if (liveCount.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void unreserve(int n) {
    liveCount.addAndGet(-n);
  }

  /** Hands stored, accepted tasks to their owners (room was reserved by the caller). */
  void schedule(List<LiveTask> tasks) {
    Map<Pool, List<LiveTask>> byPool = new EnumMap<>(Pool.class);
    List<LiveTask> waiting = new ArrayList<>();
    for (LiveTask t : tasks) {
      live.put(t.id(), t);
      jobs.accepted(t.jobId(), t.id());
      Pool p = t.pool;
      if (p == null) {
        waiting.add(t);
      } else {
        byPool.computeIfAbsent(p, k -> new ArrayList<>()).add(t);
      }
    }
    byPool.forEach((p, list) -> pools.get(p).enqueue(list));
    if (!waiting.isEmpty()) {
      unresolved.add(waiting);
    }
  }

  /** Registers a worker; false if one with the same id is connected. */
  public boolean workerConnected(WorkerHandle w) {
    if (workers.putIfAbsent(w.id(), w) != null) {
      return false;
    }
    types.workerJoined(w.hello());
    for (PoolSpec p : w.hello().getPoolsList()) {
      PoolScheduler ps = pools.get(p.getPool());
      if (ps != null) {
        ps.addWorker(w, p);
      }
    }
    unresolved.typesChanged();
    log.info("Worker {} connected from {}", w.id(), w.hello().getNode());
    return true;
  }

  /** The worker's stream ended; its leases are released. */
  public void workerDisconnected(WorkerHandle w) {
    if (!workers.remove(w.id(), w)) {
      return;
    }
    types.workerLeft(w.hello());
    for (PoolScheduler ps : pools.values()) {
      ps.removeWorker(w.id());
    }
    log.info("Worker {} disconnected", w.id());
  }

  public void credits(WorkerHandle w, Credits credits) {
    for (PoolCredit c : credits.getPoolsList()) {
      PoolScheduler ps = pools.get(c.getPool());
      if (ps != null) {
        ps.credits(w.id(), c.getCredits());
      }
    }
  }

  public void results(WorkerHandle w, List<TaskResult> results) {
    Map<Pool, List<TaskResult>> byPool = new EnumMap<>(Pool.class);
    for (TaskResult r : results) {
      LiveTask t = live.get(r.getTaskId());
      Pool p = t == null ? null : t.pool;
      if (p != null) {
        byPool.computeIfAbsent(p, k -> new ArrayList<>()).add(r);
      }
    }
    byPool.forEach((p, list) -> pools.get(p).results(w.id(), list));
  }

  /**
   * Passes progress reports of a worker's tasks on to the streams that watch them. Only tasks that
   * are live here are passed; the session drops reports of tasks it no longer waits for. Never
   * blocks: progress is best effort and is neither stored nor ordered against results.
   */
  public void progress(WorkerHandle w, List<TaskProgress> updates) {
    List<TaskProgress> known = new ArrayList<>(updates.size());
    for (TaskProgress p : updates) {
      if (live.containsKey(p.getTaskId())) {
        known.add(p);
      }
    }
    if (!known.isEmpty()) {
      hub.publishProgress(known);
    }
  }

  /** Cancels tasks; the response lists one outcome per id, in order. */
  public CompletionStage<CancelResponse> cancel(List<String> taskIds, boolean force) {
    List<CompletableFuture<CancelOutcome>> each = new ArrayList<>(taskIds.size());
    for (String id : taskIds) {
      each.add(cancelOne(id, force).thenApply(r -> outcome(id, r)));
    }
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              CancelResponse.Builder b = CancelResponse.newBuilder();
              each.forEach(f -> b.addOutcomes(f.join()));
              return b.build();
            });
  }

  private CompletableFuture<CancelOutcome.Result> cancelOne(String id, boolean force) {
    LiveTask t = live.get(id);
    CompletableFuture<CancelOutcome.Result> f = new CompletableFuture<>();
    if (t == null) {
      // Not live here: either ended (its record says so) or never seen.
      return store
          .get(id)
          .thenApply(
              info ->
                  info.isPresent()
                      ? CancelOutcome.Result.ALREADY_FINISHED
                      : CancelOutcome.Result.NOT_FOUND)
          .toCompletableFuture();
    }
    Pool p = t.pool;
    if (p == null) {
      unresolved.cancel(t, force, f, pools);
    } else {
      pools.get(p).cancel(t, force, f);
    }
    return f;
  }

  private static CancelOutcome outcome(String id, CancelOutcome.Result r) {
    return CancelOutcome.newBuilder().setTaskId(id).setResult(r).build();
  }

  public List<WorkerStatus> workers() {
    List<WorkerStatus> out = new ArrayList<>();
    for (WorkerHandle w : workers.values()) {
      out.add(w.status());
    }
    return out;
  }

  /**
   * Checks run timeouts and deadlines against the clock. The coordinator calls it from a timer;
   * tests call it after advancing a fake clock.
   */
  public void checkTimeouts() {
    pools.values().forEach(PoolScheduler::checkTimeouts);
  }

  /** Tells every connected worker to take no new work (before this coordinator stops). */
  public void drainWorkers() {
    for (WorkerHandle w : workers.values()) {
      w.link().sendDrain();
    }
  }

  /** Tasks accepted here and not ended. */
  public long liveTasks() {
    return liveCount.get();
  }

  public int connectedWorkers() {
    return types.connectedWorkers();
  }

  /** Queued tasks of one pool (a snapshot taken on the pool's executor). */
  public CompletionStage<Integer> queued(Pool pool) {
    return pools.get(pool).queuedCount();
  }

  @Override
  public void leased(List<TaskInfo> running) {
    store
        .updateAll(running)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.warn("Could not record {} running task(s)", running.size(), e);
              }
            });
  }

  @Override
  public void completed(List<LiveTask> tasks, List<TaskInfo> done) {
    for (LiveTask t : tasks) {
      live.remove(t.id());
    }
    liveCount.addAndGet(-tasks.size());
    store
        .completeAll(done)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.error(
                    "Could not store {} result(s); notifying watchers anyway", done.size(), e);
              }
              hub.publish(done);
            });
  }

  /** For tests: whether a task is live (queued, waiting or running) here. */
  boolean isLive(String id) {
    return live.containsKey(id);
  }

  static boolean isDone(TaskInfo info) {
    return info.getState() == TaskState.DONE;
  }

  Clock clock() {
    return clock;
  }
}

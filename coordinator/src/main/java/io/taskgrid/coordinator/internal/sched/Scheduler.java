package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.coordinator.internal.auth.Principal;
import io.taskgrid.coordinator.internal.auth.Tenants;
import io.taskgrid.coordinator.internal.concurrent.SerialExecutor;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.CancelAcks;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelResponse;
import io.taskgrid.proto.v1.CreditRecall;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's scheduling front: routes tasks, worker events and cancels to the serial owner
 * of each task (the unresolved area or a pool's {@link PoolScheduler}), and turns their state
 * changes into store writes and completion events. Thread-safe; its methods never block and may be
 * called from gRPC threads.
 */
public final class Scheduler implements SchedulerSink {
  /** How often a result write is tried before its watchers are told anyway (~10 minutes). */
  static final int RESULT_WRITE_TRIES = 125;

  /**
   * Lease writes, and result writes, in flight at most; more at once only queue in Hazelcast. Four
   * keeps both partition threads of a 2-core member busy while a write's response travels.
   */
  static final int WRITES_IN_FLIGHT = 4;

  /** Records per merged write at most: a partition operation of a few thousand records is ~1 ms. */
  static final int MAX_MERGED_WRITE = 4_096;

  /**
   * The scheduler's two kinds of store writes: each at most {@link #WRITES_IN_FLIGHT} in flight,
   * what comes meanwhile merged ({@link CoalescingWrites}).
   */
  public enum StoreWriteKind {
    /** Records of tasks leased to workers ({@code TaskStore.updateAll}). */
    LEASE,
    /** Terminal records of tasks that ended ({@code TaskStore.completing}). */
    RESULT
  }

  static final java.time.Duration RESULT_RETRY_MAX_DELAY = java.time.Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final Clock clock;
  private final TaskStore store;
  private final CompletionHub hub;
  private final JobStats jobs;
  private final TaskTypes types;
  private final Map<Pool, PoolScheduler> pools = new EnumMap<>(Pool.class);
  private final Map<Pool, TypeLimits> typeLimitsByPool = new EnumMap<>(Pool.class);
  private final Map<String, Integer> limits;
  private final FreezablePermits permits;
  private final UnresolvedTasks unresolved;
  private final TaskEvents events;

  /** Tasks accepted here and not ended, for routing; their state belongs to the owners. */
  private final ConcurrentHashMap<String, LiveTask> live = new ConcurrentHashMap<>();

  /**
   * Tasks that ended here and whose terminal record is not stored yet (see {@link #storeResults}):
   * their live records are still in the store, and an adoption scan must not take them up again.
   */
  private final Set<String> ending = ConcurrentHashMap.newKeySet();

  /** Cancels that arrived before their task was live here; applied when it registers. */
  private final PendingCancels pendingCancels;

  private final ConcurrentHashMap<String, WorkerHandle> workers = new ConcurrentHashMap<>();
  private final AtomicLong liveCount = new AtomicLong();
  private final LongAdder acceptedTotal = new LongAdder();
  private final LongAdder completedTotal = new LongAdder();

  /** This coordinator's id as written into the records it schedules ({@code TaskInfo.owner}). */
  private final String ownerId;

  private final CompletionBus bus;

  private final PendingWrites writes = new PendingWrites();

  /**
   * The leases' and the results' store writes, each at most {@link #WRITES_IN_FLIGHT} at a time,
   * what comes meanwhile merged (see {@link CoalescingWrites}).
   */
  private final CoalescingWrites<TaskInfo> leaseWrites =
      new CoalescingWrites<>(WRITES_IN_FLIGHT, MAX_MERGED_WRITE, this::writeLeases);

  private final CoalescingWrites<TaskInfo> resultWrites =
      new CoalescingWrites<>(
          WRITES_IN_FLIGHT,
          MAX_MERGED_WRITE,
          batch -> storeResults(batch.records(), batch.calls(), 0, new AtomicBoolean()));

  /** Runs the retries of refused permits and of results the store did not take. */
  private final RetryTimer retries;

  /** Set by {@link #stopLeasing()}: this coordinator is leaving and ignores the others' news. */
  private volatile boolean stopping;

  /**
   * Workers told that this coordinator stops, until they answer (their Drain: every result they
   * sent here before is on the stream) or leave.
   */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> releasing =
      new ConcurrentHashMap<>();

  /**
   * @param delegate the shared pool on which the per-pool serial executors run
   * @param settings owner id, completion bus, metrics, type limits and permits, retry jitter, held
   *     cancels ({@link SchedulerSettings#defaults()} for a coordinator alone)
   */
  public Scheduler(
      Clock clock,
      TaskStore store,
      CompletionHub hub,
      JobStats jobs,
      Executor delegate,
      SchedulerSettings settings) {
    String ownerId = settings.ownerId();
    CompletionBus bus = settings.bus();
    RetryTimer permitRetries = settings.retries();
    this.retries = settings.retries();
    this.pendingCancels = new PendingCancels(settings.heldCancels());
    RetryBackoff backoff = new RetryBackoff(settings.jitter());
    this.limits = settings.typeLimits();
    this.permits = new FreezablePermits(settings.permits());
    this.clock = clock;
    this.types = new TaskTypes(clock);
    this.ownerId = ownerId;
    this.bus = bus;
    this.events = settings.events();
    this.store = store;
    this.hub = hub;
    this.jobs = jobs;
    for (Pool p : new Pool[] {Pool.IO, Pool.CPU}) {
      TypeLimits poolLimits = new TypeLimits(limits, this.permits, ownerId, permitRetries);
      typeLimitsByPool.put(p, poolLimits);
      pools.put(
          p,
          new PoolScheduler(
              p,
              new SerialExecutor("pool-" + p.name().toLowerCase(java.util.Locale.ROOT), delegate),
              clock,
              this,
              jobs,
              poolLimits,
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
    bus.subscribe(this::completedElsewhere);
  }

  /** This coordinator's id in the records it owns. */
  public String ownerId() {
    return ownerId;
  }

  TaskTypes types() {
    return types;
  }

  /**
   * How long a task type stays accepted after its last worker left (its tasks wait queued for a
   * worker instead of being rejected); zero rejects them at once. Set once, before workers connect;
   * the default is one hour.
   */
  public void rememberTypesFor(java.time.Duration memory) {
    types.memory(memory);
  }

  TaskEvents events() {
    return events;
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

  /** Whether a live task of this id is known here (registered, adopted, not yet forgotten). */
  boolean knows(String taskId) {
    return live.containsKey(taskId);
  }

  /**
   * Makes stored, accepted tasks (room was reserved by the caller) known here (a cancel or a status
   * request finds them) without queueing them yet: a session registers a batch before its acks go
   * out, because a client may cancel a task the moment its ack arrives, and queues it after (see
   * {@link #dispatch}).
   */
  List<LiveTask> register(List<LiveTask> tasks) {
    List<LiveTask> registered = new ArrayList<>(tasks.size());
    for (LiveTask t : tasks) {
      // An adoption scan after a failed claim may have taken up this very record (see
      // TaskAdoption): the task is scheduled once, by whichever came first.
      if (live.putIfAbsent(t.id(), t) != null) {
        unreserve(1);
        t.releaseQuotas();
        continue;
      }
      registered.add(t);
      jobs.accepted(t.jobId(), t.id());
      events.submitted(t.pool, t.spec.getType());
    }
    acceptedTotal.add(registered.size());
    return registered;
  }

  /**
   * Applies the cancels that arrived before these tasks were dispatched here. Each side writes its
   * own state first and reads the other's second (here: {@link LiveTask#dispatched}, then {@link
   * #pendingCancels}; in {@link #cancelOne}: the reverse), so a cancel racing a dispatch is seen by
   * at least one of them, and {@link PendingCancels#take} lets only one apply it. Applied at
   * dispatch, not at registration: the submitting session subscribes to the task's completion in
   * between, and a cancel applied earlier would end the task before anyone listened.
   */
  private void applyPendingCancels(List<LiveTask> tasks) {
    for (LiveTask t : tasks) {
      t.dispatched = true;
    }
    for (LiveTask t : tasks) {
      PendingCancels.Entry e = pendingCancels.take(t.id());
      if (e != null) {
        applyHeld(t, e);
      }
    }
  }

  private void applyHeld(LiveTask t, PendingCancels.Entry e) {
    if (e.tenant != null && !e.tenant.equals(t.tenant)) {
      // Held by another tenant's caller (an id guessed ahead of its submit): not theirs to cancel.
      e.waiters.forEach(w -> w.complete(CancelOutcome.Result.NOT_FOUND));
      return;
    }
    CompletableFuture<CancelOutcome.Result> f = new CompletableFuture<>();
    route(t, e.force, f);
    f.whenComplete(
        (r, error) -> {
          for (CompletableFuture<CancelOutcome.Result> w : e.waiters) {
            if (error != null) {
              w.completeExceptionally(error);
            } else {
              w.complete(r);
            }
          }
        });
  }

  /**
   * Queues registered tasks with their pools. A task cancelled in between is skipped there (its
   * state is no longer QUEUED).
   */
  void dispatch(List<LiveTask> tasks) {
    Map<Pool, List<LiveTask>> byPool = new EnumMap<>(Pool.class);
    List<LiveTask> waiting = new ArrayList<>();
    for (LiveTask t : tasks) {
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
    // Posted after the enqueue steps on the same serial executors, so a held cancel finds them.
    applyPendingCancels(tasks);
  }

  /** Registers a worker; false if one with the same id is connected. */
  public boolean workerConnected(WorkerHandle w) {
    if (workers.putIfAbsent(w.id(), w) != null) {
      return false;
    }
    types.workerJoined(w.hello());
    for (PoolSpec p : w.hello().getPoolsList()) {
      for (String type : p.getHandlersList()) {
        events.typeAnnounced(p.getPool(), type);
      }
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
    released(w);
    log.info("Worker {} disconnected", w.id());
  }

  /**
   * The worker is stopping: no new work goes to it; what it runs still reports as usual. Once every
   * pool has sent what it assigned before, the worker gets a Drain back: nothing more will come, so
   * it may stop as soon as its running tasks end.
   */
  public void workerDraining(WorkerHandle w) {
    if (released(w)) {
      log.debug("Worker {} acknowledged that this coordinator stops", w.id());
      return;
    }
    log.info("Worker {} is draining", w.id());
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (PoolScheduler ps : pools.values()) {
      pending.add(ps.workerDraining(w.id()));
    }
    CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .thenRun(() -> w.link().sendDrain());
  }

  public void credits(WorkerHandle w, Credits credits) {
    for (PoolCredit c : credits.getPoolsList()) {
      PoolScheduler ps = pools.get(c.getPool());
      if (ps != null) {
        ps.credits(w.id(), c.getCredits());
      }
    }
  }

  /** The worker asks for unused credits back: pools with nothing waiting give them. */
  public void recall(WorkerHandle w, CreditRecall recall) {
    for (PoolCredit c : recall.getPoolsList()) {
      PoolScheduler ps = pools.get(c.getPool());
      if (ps != null) {
        ps.recall(w.id(), c.getCredits());
      }
    }
  }

  public void results(WorkerHandle w, List<TaskResult> results) {
    Map<Pool, List<TaskResult>> byPool = new EnumMap<>(Pool.class);
    List<TaskResult> notScheduledHere = new ArrayList<>();
    for (TaskResult reported : results) {
      // Stamped with the stream's worker id, never the one in the message: a worker can only
      // report for leases its own stream holds (the stream's id is bound to its credential).
      TaskResult r =
          reported.getWorkerId().equals(w.id())
              ? reported
              : reported.toBuilder().setWorkerId(w.id()).build();
      LiveTask t = live.get(r.getTaskId());
      Pool p = t == null ? null : t.pool;
      if (p != null) {
        byPool.computeIfAbsent(p, k -> new ArrayList<>()).add(r);
      } else if (t == null) {
        notScheduledHere.add(r);
      } else {
        // Its type is unresolved here: it was never leased, so no stream holds it.
        events.resultDropped(TaskEvents.DROPPED_NOT_HELD);
      }
    }
    byPool.forEach((p, list) -> pools.get(p).results(w.id(), list));
    if (!notScheduledHere.isEmpty()) {
      completeLeases(notScheduledHere);
    }
  }

  /**
   * Results for tasks another coordinator schedules (or scheduled, before it failed): the worker
   * sent them here because its stream to that coordinator broke. The store ends a task only if its
   * record still shows the reported lease; the winners are published to every coordinator.
   */
  private void completeLeases(List<TaskResult> reports) {
    writes.started();
    completeLeases(reports, 0);
  }

  /**
   * Records worker reports for tasks scheduled elsewhere, trying again until the store answers (see
   * {@link #storeResults}): the worker sent the report once and forgot the task, so a report
   * dropped here would leave its owner waiting for ever on a lease the worker no longer runs (a
   * split showed it: the reports the fenced owner's worker re-sent to the majority were refused
   * while partition ownership moved).
   */
  private void completeLeases(List<TaskResult> reports, int failures) {
    store
        .completeLeases(reports)
        .whenComplete(
            (won, e) -> {
              if (e != null) {
                int failed = failures + 1;
                if (failed >= RESULT_WRITE_TRIES) {
                  writes.ended();
                  log.error(
                      "Could not record {} forwarded result(s) in {} tries; their tasks run again"
                          + " when their leases end",
                      reports.size(),
                      failed,
                      e);
                  return;
                }
                if (failed == 1) {
                  log.warn(
                      "Could not record {} forwarded result(s) ({}); trying again until the store"
                          + " takes them",
                      reports.size(),
                      e.toString());
                }
                retries.after(
                    RetryTimer.backoff(failed, RESULT_RETRY_MAX_DELAY),
                    () -> completeLeases(reports, failed));
                return;
              }
              writes.ended();
              for (int i = won.size(); i < reports.size(); i++) {
                // The record did not show this stream's lease: dropped by the store.
                events.resultDropped(TaskEvents.DROPPED_NOT_HELD);
              }
              if (!won.isEmpty()) {
                List<TaskResult> results = new ArrayList<>(won.size());
                won.forEach(info -> results.add(info.getResult()));
                hub.publishResults(results);
                bus.publish(results);
                completedElsewhere(results, false);
              }
            });
  }

  /** Tasks that another coordinator ended: tell local watchers, and stop scheduling them here. */
  private void completedElsewhere(List<TaskResult> results) {
    if (stopping) {
      // Its sessions are closed and its tasks go to the adopter; its executors may be gone.
      return;
    }
    hub.publishResults(results);
    completedElsewhere(results, true);
  }

  private void completedElsewhere(List<TaskResult> results, boolean fromOthers) {
    for (TaskResult r : results) {
      LiveTask t = live.get(r.getTaskId());
      Pool p = t == null ? null : t.pool;
      if (p != null) {
        pools.get(p).forget(t, r.getOutcome());
      } else if (t != null && fromOthers) {
        log.debug(
            "Task {} ended elsewhere while its type was unresolved here",
            WireIds.escape(r.getTaskId()));
      }
    }
  }

  @Override
  public void resultDropped(String reason) {
    events.resultDropped(reason);
  }

  /** A task that ended elsewhere and was dropped by its pool: it is no longer live here. */
  @Override
  public void forgotten(LiveTask t) {
    if (live.remove(t.id(), t)) {
      liveCount.decrementAndGet();
      t.releaseQuotas();
    }
  }

  /**
   * Takes over tasks whose coordinator left the cluster (their records now name this one as owner):
   * a task still RUNNING on a worker connected here keeps its lease, so the worker's result is
   * accepted here; every other task is queued again (its next lease is attempt + 1).
   */
  public void adopt(List<TaskInfo> records) {
    int adopted = schedule(records);
    log.info("Adopted {} task(s) of coordinators that left the cluster", adopted);
  }

  /**
   * Whether this scheduler holds the task (queued, waiting or running here) or is storing its end.
   * A live record that names this coordinator and is neither is stranded (see {@link
   * #adoptStranded}).
   */
  public boolean schedules(String taskId) {
    return live.containsKey(taskId) || ending.contains(taskId);
  }

  /**
   * Schedules live records that name this coordinator but that it held nowhere, as {@link #adopt}
   * does: the audit of TaskAdoption found each so in two rounds in a row. No path is known to leave
   * such a record; this is the net under one that is not, and it says so loudly.
   */
  public void adoptStranded(List<TaskInfo> records) {
    int shown = 0;
    for (TaskInfo r : records) {
      if (shown++ == STRANDED_SHOWN) {
        log.warn("... and {} more", records.size() - STRANDED_SHOWN);
        break;
      }
      log.warn(
          "Task {} ({}, attempt {}{}) has a live record naming this coordinator, which did not"
              + " schedule it: scheduling it now",
          WireIds.escape(r.getSpec().getId()),
          r.getState(),
          r.getAttempt(),
          r.getWorkerId().isEmpty() ? "" : ", worker " + WireIds.escape(r.getWorkerId()));
    }
    int adopted = schedule(records);
    events.strandedRecovered(adopted);
    log.warn("Scheduled {} stranded task(s) found by the store audit", adopted);
  }

  /**
   * The ids of the tasks registered here but not yet handed to their pool: a batch's tasks are
   * registered before its acks go out and queued after them ({@link #register}), so normally only
   * for a moment, or while an earlier batch of the same session waits for its store write. For the
   * store audit's log: it does not queue them itself, since a task queued before its ack could end
   * before it.
   */
  public List<String> undispatched() {
    List<String> out = new ArrayList<>();
    for (LiveTask t : live.values()) {
      if (!t.dispatched) {
        out.add(t.id());
      }
    }
    return out;
  }

  /** Stranded tasks named one by one in the log per audit round; the rest are counted. */
  private static final int STRANDED_SHOWN = 20;

  /** Takes up records that name this coordinator, as {@link #adopt} says; returns how many. */
  private int schedule(List<TaskInfo> records) {
    List<LiveTask> tasks = new ArrayList<>(records.size());
    for (TaskInfo info : records) {
      String id = info.getSpec().getId();
      if (live.containsKey(id) || ending.contains(id) || isDone(info)) {
        continue; // already scheduled or ended here (a scan after a failed claim returns those)
      }
      Pool pool = info.getSpec().getPool();
      if (pool != Pool.IO && pool != Pool.CPU) {
        pool = types.resolve(info.getSpec()).pool();
      }
      LiveTask t = new LiveTask(info.getSpec(), info.getSubmittedUnixMs(), pool, info.getTenant());
      t.owner = ownerId;
      t.attempt = info.getAttempt();
      if (info.getState() == TaskState.RUNNING && pool != null) {
        t.workerId = info.getWorkerId();
        t.startedMillis = clock.millis();
      }
      tasks.add(t);
    }
    Map<Pool, List<LiveTask>> byPool = new EnumMap<>(Pool.class);
    List<LiveTask> waiting = new ArrayList<>();
    List<LiveTask> adopted = new ArrayList<>(tasks.size());
    for (LiveTask t : tasks) {
      if (live.putIfAbsent(t.id(), t) != null) {
        continue; // registered by an intake in between
      }
      liveCount.incrementAndGet();
      adopted.add(t);
      jobs.accepted(t.jobId(), t.id());
      Pool p = t.pool;
      if (p == null) {
        waiting.add(t);
      } else {
        byPool.computeIfAbsent(p, k -> new ArrayList<>()).add(t);
      }
    }
    byPool.forEach((p, list) -> pools.get(p).adopt(list));
    if (!waiting.isEmpty()) {
      unresolved.add(waiting);
    }
    // Posted after the adoption steps on the same serial executors, so a held cancel finds them.
    applyPendingCancels(adopted);
    return adopted.size();
  }

  /**
   * Takes over the type permits held by coordinators that left the cluster (owners not in {@code
   * liveOwners}); called after {@link #adopt}, by the member that adopts. The tasks adopted with
   * their lease keep the permits they run under, the tasks held here get what they need, and the
   * rest goes back to the cluster. Without type limits this makes no call at all.
   */
  public CompletionStage<Void> inheritPermits(Set<String> liveOwners) {
    if (limits.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return permits
        .inheritOrphans(liveOwners, ownerId)
        .thenCompose(
            inherited -> {
              if (inherited.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              log.info("Inherited type permits of coordinators that left: {}", inherited);
              // Running tasks first, in either pool: they run whether or not they are counted.
              TypeLimits io = typeLimitsByPool.get(Pool.IO);
              TypeLimits cpu = typeLimitsByPool.get(Pool.CPU);
              return io.inherit(inherited, false)
                  .thenCompose(rest -> cpu.inherit(rest, false))
                  .thenCompose(rest -> io.inherit(rest, true))
                  .thenCompose(rest -> cpu.inherit(rest, true))
                  .thenCompose(this::giveBack);
            });
  }

  /**
   * This coordinator is leaving the cluster: from now on it neither gives type permits back nor
   * takes new ones. Its worker streams are about to end, and the tasks those workers still run are
   * adopted with their leases by another member, which inherits the permits with them.
   */
  public void freezeTypePermits() {
    permits.freeze();
  }

  private CompletionStage<Void> giveBack(Map<String, Integer> unused) {
    List<CompletableFuture<PermitGrant>> calls = new ArrayList<>();
    unused.forEach((type, n) -> calls.add(permits.release(type, ownerId, n).toCompletableFuture()));
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * A worker's answer to a Reconcile: it does not run these tasks, so the leases this coordinator
   * adopted for them are void (the assignment or the result died with the old coordinator).
   */
  public void notRunning(WorkerHandle w, List<String> taskIds) {
    Map<Pool, List<String>> byPool = new EnumMap<>(Pool.class);
    for (String id : taskIds) {
      LiveTask t = live.get(id);
      Pool p = t == null ? null : t.pool;
      if (p != null) {
        byPool.computeIfAbsent(p, k -> new ArrayList<>()).add(id);
      }
    }
    byPool.forEach((p, ids) -> pools.get(p).leasesLost(w.id(), ids));
  }

  /**
   * A worker's answer to cancels that asked whether their tasks had started. Only the CPU pool asks
   * (an I/O task starts when it is assigned), and the tasks have ended here already, so the answer
   * goes to that pool by the worker's id.
   */
  public void cancelAcked(WorkerHandle w, CancelAcks acks) {
    PoolScheduler ps = pools.get(Pool.CPU);
    if (ps != null) {
      ps.cancelAcked(w.id(), acks.getNotStartedTaskIdsList(), acks.getStartedTaskIdsList());
    }
  }

  /** Whether a worker is connected here now. */
  boolean isConnected(String workerId) {
    return workers.containsKey(workerId);
  }

  /**
   * Passes progress reports of a worker's tasks on to the streams that watch them. Only tasks that
   * are live here are passed; the session drops reports of tasks it no longer waits for. Never
   * blocks: progress is best effort and is neither stored nor ordered against results.
   */
  public void progress(WorkerHandle w, List<TaskProgress> updates) {
    List<TaskProgress> known = new ArrayList<>(updates.size());
    for (TaskProgress p : updates) {
      LiveTask t = live.get(p.getTaskId());
      // Only for a task leased to this stream's worker: another worker cannot feed a client
      // progress reports of tasks it does not run. (workerId belongs to the pool executor; a
      // stale read around a lease change only drops or lets through one best-effort report.)
      if (t != null && w.id().equals(t.workerId)) {
        known.add(p);
      }
    }
    if (!known.isEmpty()) {
      hub.publishProgress(known);
    }
  }

  /**
   * Cancels tasks sent on a Session stream; the response lists one outcome per id, in order. A
   * cancel for a task not live here is held until it registers (see {@link PendingCancels}): on a
   * stream a cancel may follow its submit closely enough to find no record at all yet.
   */
  public CompletionStage<CancelResponse> cancel(List<String> taskIds, boolean force) {
    return cancel(taskIds, force, Principal.UNAUTHENTICATED, true);
  }

  /** As {@link #cancel(List, boolean, Principal, boolean)} for an admin (tests). */
  public CompletionStage<CancelResponse> cancel(
      List<String> taskIds, boolean force, boolean holdUnstored) {
    return cancel(taskIds, force, Principal.UNAUTHENTICATED, holdUnstored);
  }

  /**
   * As {@link #cancel(List, boolean, Principal, boolean)} on a Session stream (held if unknown).
   */
  public CompletionStage<CancelResponse> cancel(
      List<String> taskIds, boolean force, Principal caller) {
    return cancel(taskIds, force, caller, true);
  }

  /**
   * Cancels tasks as {@code caller}; the response lists one outcome per id, in order. A task of
   * another tenant is NOT_FOUND to a non-admin caller, the same answer as an id nobody submitted.
   *
   * @param holdUnstored whether a cancel for an id the store does not know yet is held (a Session
   *     stream, where the submit may still be in flight) or answered NOT_FOUND at once (the unary
   *     Cancel call of an operator). A stored task that is not live here yet is held either way.
   */
  public CompletionStage<CancelResponse> cancel(
      List<String> taskIds, boolean force, Principal caller, boolean holdUnstored) {
    List<CompletableFuture<CancelOutcome>> each = new ArrayList<>(taskIds.size());
    String tenant = caller.isAdmin() ? null : Tenants.recordValue(caller.tenant());
    for (String id : taskIds) {
      each.add(cancelOne(id, force, tenant, holdUnstored).thenApply(r -> outcome(id, r)));
    }
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              CancelResponse.Builder b = CancelResponse.newBuilder();
              each.forEach(f -> b.addOutcomes(f.join()));
              return b.build();
            });
  }

  /**
   * Cancels one task. A task live here is cancelled by its owner. Otherwise the store decides:
   * ALREADY_FINISHED only when the record has an outcome; a task stored but not registered yet (its
   * batch is still being written, or the cancel overtook the submit) or not stored yet has its
   * cancel held until it is dispatched here (see {@link PendingCancels}); with {@code holdUnstored}
   * false, an id the store does not know is NOT_FOUND at once. A {@code tenant} (null for an admin)
   * sees only its own tasks: any other is NOT_FOUND.
   */
  private CompletableFuture<CancelOutcome.Result> cancelOne(
      String id, boolean force, @Nullable String tenant, boolean holdUnstored) {
    LiveTask t = live.get(id);
    CompletableFuture<CancelOutcome.Result> f = new CompletableFuture<>();
    if (t != null && tenant != null && !t.tenant.equals(tenant)) {
      return CompletableFuture.completedFuture(CancelOutcome.Result.NOT_FOUND);
    }
    if (t != null && t.dispatched) {
      route(t, force, f);
      return f;
    }
    if (t != null) {
      // Registered, its dispatch still to come: its session may not listen for its completion yet.
      holdUntilDispatched(id, force, tenant, f);
      return f;
    }
    store
        .get(id)
        .whenComplete(
            (info, error) -> {
              if (error != null) {
                f.completeExceptionally(error);
              } else if (info.isPresent()
                  && tenant != null
                  && !info.get().getTenant().equals(tenant)) {
                f.complete(CancelOutcome.Result.NOT_FOUND);
              } else if (info.isPresent() && isDone(info.get())) {
                f.complete(CancelOutcome.Result.ALREADY_FINISHED);
              } else if (info.isEmpty() && !holdUnstored) {
                f.complete(CancelOutcome.Result.NOT_FOUND);
              } else {
                holdUntilDispatched(id, force, tenant, f);
              }
            });
    return f;
  }

  private void holdUntilDispatched(
      String id,
      boolean force,
      @Nullable String tenant,
      CompletableFuture<CancelOutcome.Result> f) {
    if (!pendingCancels.hold(id, force, tenant, f, clock.millis())) {
      f.complete(CancelOutcome.Result.NOT_FOUND);
      return;
    }
    // Dispatched meanwhile: it may have looked for held cancels before this one.
    LiveTask now = live.get(id);
    PendingCancels.Entry e = now == null || !now.dispatched ? null : pendingCancels.take(id);
    if (e != null) {
      applyHeld(now, e);
    }
  }

  private void route(LiveTask t, boolean force, CompletableFuture<CancelOutcome.Result> f) {
    Pool p = t.pool;
    if (p == null) {
      unresolved.cancel(t, force, f, pools);
    } else {
      pools.get(p).cancel(t, force, f);
    }
  }

  /**
   * Answers the held cancels whose task never showed up here within {@link
   * PendingCancels.Limits#holdTime()}: from the store, ALREADY_FINISHED if the record has an
   * outcome by now, else NOT_FOUND.
   */
  private void expirePendingCancels() {
    pendingCancels
        .expire(clock.millis())
        .forEach(
            (id, e) ->
                store
                    .get(id)
                    .whenComplete(
                        (info, error) -> {
                          CancelOutcome.Result r =
                              error == null && info.isPresent() && isDone(info.get())
                                  ? CancelOutcome.Result.ALREADY_FINISHED
                                  : CancelOutcome.Result.NOT_FOUND;
                          e.waiters.forEach(w -> w.complete(r));
                        }));
  }

  /** Cancels held for tasks not live here yet (for tests and diagnostics). */
  public int pendingCancelCount() {
    return pendingCancels.size();
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
   * Checks run timeouts and deadlines against the clock, and expires held cancels. The coordinator
   * calls it from a timer; tests call it after advancing a fake clock.
   */
  public void checkTimeouts() {
    pools.values().forEach(PoolScheduler::checkTimeouts);
    expirePendingCancels();
  }

  /**
   * This coordinator stops: no task is leased from now on (results are still recorded), and a
   * worker stream that ends re-queues nothing. Completes once every pool has taken the step.
   */
  public CompletableFuture<Void> stopLeasing() {
    stopping = true;
    List<CompletableFuture<Void>> steps = new ArrayList<>();
    for (PoolScheduler ps : pools.values()) {
      steps.add(ps.stopLeasing());
    }
    return CompletableFuture.allOf(steps.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * This coordinator is fenced off (in a minority of its cluster, or just resumed from a pause): no
   * task is leased, and a worker stream that ends re-queues nothing (the worker runs on and reports
   * to another coordinator). Unlike {@link #stopLeasing()}, {@link #unfence()} lifts it.
   */
  public CompletableFuture<Void> fence() {
    List<CompletableFuture<Void>> steps = new ArrayList<>();
    for (PoolScheduler ps : pools.values()) {
      steps.add(ps.fence());
    }
    return CompletableFuture.allOf(steps.toArray(new CompletableFuture<?>[0]));
  }

  /** Leases again after {@link #fence()}. */
  public void unfence() {
    for (PoolScheduler ps : pools.values()) {
      ps.unfence();
    }
  }

  /**
   * Tells every connected worker that this coordinator stops (a Drain): it takes no new work from
   * here and sends the results of the tasks it runs to another coordinator from now on. Completes
   * once every worker answered with its own Drain (sent after every result it sent here) or left; a
   * worker that does not answer is not waited for beyond the caller's bound.
   */
  public CompletableFuture<Void> releaseWorkers() {
    List<CompletableFuture<Void>> answers = new ArrayList<>();
    for (WorkerHandle w : workers.values()) {
      CompletableFuture<Void> answer = new CompletableFuture<>();
      releasing.put(w.id(), answer);
      answers.add(answer);
      w.link().sendDrain();
      if (!workers.containsKey(w.id())) {
        answer.complete(null); // left in between
      }
    }
    return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]));
  }

  /** Whether the worker was told this coordinator stops; its answer (or departure) is noted. */
  private boolean released(WorkerHandle w) {
    CompletableFuture<Void> answer = releasing.get(w.id());
    if (answer == null) {
      return false;
    }
    answer.complete(null);
    return true;
  }

  /**
   * Completes once the store writes of leases and results issued so far (and of those issued while
   * it waits) are done: call after {@link #stopLeasing()} and once no result can arrive any more.
   */
  public CompletableFuture<Void> storeWritesDone() {
    return writes.drained();
  }

  /** Tasks accepted here and not ended. */
  public long liveTasks() {
    return liveCount.get();
  }

  public int connectedWorkers() {
    return types.connectedWorkers();
  }

  /** Tasks of one pool leased to the connected workers (a sum of counters, for metrics). */
  public int running(Pool pool) {
    int n = 0;
    for (WorkerHandle w : workers.values()) {
      n += w.used(pool).get();
    }
    return n;
  }

  /** Tasks accepted here since this coordinator started. */
  public long acceptedTotal() {
    return acceptedTotal.sum();
  }

  /** Tasks that ended here since this coordinator started. */
  public long completedTotal() {
    return completedTotal.sum();
  }

  /**
   * What waits and runs in one pool, or (for {@code null}) among the tasks whose type no worker
   * ever announced: a snapshot taken on the owner's executor, for metrics and status.
   */
  public CompletionStage<PoolSnapshot> snapshot(@Nullable Pool pool) {
    return pool == null ? unresolved.snapshot() : pools.get(pool).snapshot();
  }

  /** The current time by this scheduler's clock (ages in snapshots are relative to it). */
  public long nowMillis() {
    return clock.millis();
  }

  /** Queued tasks of one pool (a snapshot taken on the pool's executor). */
  public CompletionStage<Integer> queued(Pool pool) {
    return pools.get(pool).queuedCount();
  }

  /**
   * Records of one kind flushed by the pools that wait, merged, for one of the {@link
   * #WRITES_IN_FLIGHT} store writes of that kind in flight to end. For metrics at scrape time: it
   * takes the writes' monitor and sums their queue.
   */
  public int storeWritesWaiting(StoreWriteKind kind) {
    return coalescing(kind).waiting();
  }

  /** Store writes of one kind issued and not ended, at most {@link #WRITES_IN_FLIGHT}. */
  public int storeWritesInFlight(StoreWriteKind kind) {
    return coalescing(kind).inFlight();
  }

  private CoalescingWrites<TaskInfo> coalescing(StoreWriteKind kind) {
    return switch (kind) {
      case LEASE -> leaseWrites;
      case RESULT -> resultWrites;
    };
  }

  @Override
  public void leased(List<TaskInfo> running) {
    writes.started();
    leaseWrites.submit(running);
  }

  private CompletionStage<Void> writeLeases(CoalescingWrites.Batch<TaskInfo> batch) {
    return store
        .updateAll(batch.records())
        .whenComplete(
            (v, e) -> {
              endWrites(batch.calls());
              if (e != null) {
                log.warn("Could not record {} running task(s)", batch.records().size(), e);
              }
            });
  }

  private void endWrites(int calls) {
    for (int i = 0; i < calls; i++) {
      writes.ended();
    }
  }

  @Override
  public void started(Pool pool, LiveTask t) {
    events.started(
        pool,
        t.spec.getType(),
        t.attempt,
        t.startedMillis - t.submittedMillis,
        t.attempt > 1 ? t.retryReason : null);
  }

  @Override
  public void completed(List<LiveTask> tasks, List<TaskInfo> done) {
    long now = clock.millis();
    int removed = 0;
    // Ending before no longer live: the audit (schedules) must never see a task in neither.
    done.forEach(info -> ending.add(info.getSpec().getId()));
    for (int i = 0; i < tasks.size(); i++) {
      LiveTask t = tasks.get(i);
      if (!live.remove(t.id(), t)) {
        continue; // not this coordinator's any more: counted where it ended
      }
      removed++;
      t.releaseQuotas();
      TaskResult r = done.get(i).getResult();
      long started = r.getStartedUnixMs();
      long finished = r.getFinishedUnixMs();
      long run = started > 0 && finished >= started ? finished - started : -1;
      events.ended(t.pool, t.spec.getType(), r.getOutcome(), run, now - t.submittedMillis);
    }
    liveCount.addAndGet(-removed);
    completedTotal.add(removed);
    writes.started();
    resultWrites.submit(List.copyOf(done));
  }

  /**
   * Writes terminal records until the store takes them, telling the watchers the outcomes that
   * stand (the first terminal outcome wins in the store) as soon as they stand, before the store
   * removes the live records (see {@link TaskStore#completing}). Watchers hear only what is stored:
   * a client told of an outcome the store did not take could later find another one stored, since
   * the live record makes the task run again wherever it is adopted (a split showed it: the
   * majority's writes were refused while a partition's ownership moved, and the outcomes the client
   * had been given were replaced). Only after {@link #RESULT_WRITE_TRIES} failures, about ten
   * minutes, are the watchers told anyway, so that no client waits for ever. A task stays in {@code
   * ending} (not adopted here) until the whole write is done. {@code calls} is how many {@link
   * #completed} calls the records came from (each counted in {@link #writes}); the stage returned
   * is the first try's.
   */
  private CompletionStage<List<TaskInfo>> storeResults(
      List<TaskInfo> done, int calls, int failures, AtomicBoolean told) {
    TaskStore.Completing completing = store.completing(done);
    completing
        .standing()
        .thenAccept(
            stands -> {
              if (told.compareAndSet(false, true)) {
                List<TaskResult> results = new ArrayList<>(stands.size());
                stands.forEach(info -> results.add(info.getResult()));
                hub.publishResults(results);
                bus.publish(results);
              }
            });
    completing
        .whole()
        .whenComplete(
            (stands, e) -> {
              if (e == null) {
                endWrites(calls);
                done.forEach(info -> ending.remove(info.getSpec().getId()));
                return;
              }
              int failed = failures + 1;
              if (failed >= RESULT_WRITE_TRIES) {
                endWrites(calls);
                done.forEach(info -> ending.remove(info.getSpec().getId()));
                log.error(
                    "Could not store {} result(s) in {} tries; notifying watchers anyway",
                    done.size(),
                    failed,
                    e);
                if (told.compareAndSet(false, true)) {
                  hub.publish(done);
                }
                return;
              }
              if (failed == 1) {
                log.warn(
                    "Could not store {} result(s) ({}); trying again until the store takes them,"
                        + " their watchers are told then",
                    done.size(),
                    e.toString());
              }
              retries.after(
                  RetryTimer.backoff(failed, RESULT_RETRY_MAX_DELAY),
                  () -> storeResults(done, calls, failed, told));
            });
    return completing.whole();
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

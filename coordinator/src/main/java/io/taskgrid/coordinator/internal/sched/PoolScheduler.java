package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.coordinator.internal.concurrent.SerialExecutor;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolDemand;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue, credits and leases of one pool. Every field is owned by {@link #executor}: public
 * entry points only post work to it, so there is no lock anywhere in this class. Each posted step
 * ends with {@link #pump()} (hand queued tasks to workers against their credits, one Assignments
 * batch per worker) and a flush of the state changes to the sink.
 */
final class PoolScheduler {
  private static final Logger log = LoggerFactory.getLogger(PoolScheduler.class);

  /** Bound on tasks set aside in one pump because no worker with credit runs their type. */
  private static final int MAX_SKIPPED_PER_PUMP = 4096;

  /** Bound on one Assignments message, well under gRPC's default 4 MiB inbound limit. */
  static final int MAX_ASSIGNMENT_BYTES = 1 << 20;

  private final Pool pool;
  private final SerialExecutor executor;
  private final Clock clock;
  private final SchedulerSink sink;
  private final JobStats jobs;

  private final FairQueue<LiveTask> queue = new FairQueue<>(LiveTask::priority, LiveTask::jobId);
  private final Map<String, Slot> workers = new LinkedHashMap<>();

  /** The same slots as {@link #workers}, indexable for the round-robin cursor. */
  private final List<Slot> order = new ArrayList<>();

  private final Map<String, LiveTask> running = new HashMap<>();

  /**
   * The running tasks with a run timeout or a deadline, the only ones {@link #checkTimeouts} must
   * look at: scanning every running task ten times a second was 5 % of the coordinator's CPU with
   * 10,000 short tasks in flight, none of them timed.
   */
  private final Map<String, LiveTask> timeLimited = new HashMap<>();

  /**
   * Every task of this pool with a deadline that has not ended, soonest deadline first, so that
   * {@link #checkTimeouts} ends the ones whose deadline passes while they wait (in the queue, in a
   * retry backoff or held by a type limit) without scanning the queue: O(log n) per task.
   */
  private final java.util.TreeSet<LiveTask> deadlines =
      new java.util.TreeSet<>(
          java.util.Comparator.comparingLong((LiveTask t) -> t.spec.getDeadlineUnixMs())
              .thenComparing(LiveTask::id));

  private final TypeLimits typeLimits;
  private final RetryBackoff backoff;

  /**
   * Failed attempts waiting out their retry backoff, soonest first. They are QUEUED (a cancel ends
   * them at once) but not in {@link #queue}; each step moves the due ones there, and {@link
   * Scheduler#checkTimeouts()} steps every pool on a timer, so nothing blocks while they wait.
   */
  private final PriorityQueue<RetryAt> retries = new PriorityQueue<>();

  private long retrySequence;
  private int rotation;

  /**
   * How long the answer to a cancel of a leased CPU task waits for the worker to say whether the
   * task had started (a prefetched task waits in the worker's queue). A worker answers at once;
   * only a worker that predates {@code CancelTasks.ack}, or one that is stuck, makes the cancel
   * wait this long, and then it is answered STOPPED_WHILE_RUNNING.
   */
  static final long CANCEL_ACK_TIMEOUT_MS = 2_000;

  /** Cancels of leased CPU tasks waiting for the worker's {@code CancelAcks}, by task id. */
  private final Map<String, AwaitingAck> awaitingAcks = new LinkedHashMap<>();

  /** A cancel's answer waiting for the worker that held the task to say whether it had started. */
  private record AwaitingAck(
      String workerId, long sinceMillis, CompletableFuture<CancelOutcome.Result> outcome) {}

  /**
   * Set when this coordinator stops: nothing is leased any more, and a worker's stream that ends
   * re-queues nothing (the worker runs on; the member that adopts the tasks keeps their leases).
   */
  private boolean stopped;

  /**
   * Set while this coordinator is fenced off (in a minority of its cluster, or just resumed from a
   * pause): like {@link #stopped}, but lifted again when the cluster is whole.
   */
  private boolean fenced;

  private long totalCredits;

  // Changes collected during one step and flushed at its end (batched store writes).
  private final List<TaskInfo> leasedNow = new ArrayList<>();
  private final List<LiveTask> doneTasks = new ArrayList<>();
  private final List<TaskInfo> doneNow = new ArrayList<>();

  /** A worker as this pool sees it. */
  private static final class Slot {
    final WorkerHandle handle;
    final Set<String> handlers;
    final Set<String> leases = new LinkedHashSet<>();
    long credits;
    boolean draining;
    // What the worker was last told of this pool's demand: UNTOLD, IDLE or WANTING.
    byte toldDemand = UNTOLD;
    final List<Assignment> outbox = new ArrayList<>();

    Slot(WorkerHandle handle, Set<String> handlers) {
      this.handle = handle;
      this.handlers = handlers;
    }
  }

  private static final byte UNTOLD = 0;
  private static final byte IDLE = 1;
  private static final byte WANTING = 2;

  /** A task due to go back to the queue at {@code dueMillis}; ties keep the order of failure. */
  private record RetryAt(long dueMillis, long sequence, LiveTask task)
      implements Comparable<RetryAt> {
    @Override
    public int compareTo(RetryAt o) {
      int c = Long.compare(dueMillis, o.dueMillis);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  PoolScheduler(
      Pool pool,
      SerialExecutor executor,
      Clock clock,
      SchedulerSink sink,
      JobStats jobs,
      TypeLimits typeLimits,
      RetryBackoff backoff) {
    this.pool = pool;
    this.executor = executor;
    this.clock = clock;
    this.sink = sink;
    this.jobs = jobs;
    this.typeLimits = typeLimits;
    this.backoff = backoff;
    typeLimits.attach(this::typePermitsChanged);
  }

  Pool pool() {
    return pool;
  }

  /**
   * A stored batch this small is queued and leased on the thread that stored it, when the pool is
   * idle ({@link SerialExecutor#executeHere}): its step costs less than the thread wake-up it
   * saves, and it is on the path of every round trip. A larger batch is handed to a scheduler
   * thread, so that the store thread goes on with the next batch while this one is leased (in
   * paired runs of 100,000-task batches, running every step on the store thread cost throughput).
   */
  static final int INLINE_BATCH_MAX = 16;

  void enqueue(List<LiveTask> tasks) {
    step(
        tasks.size() <= INLINE_BATCH_MAX,
        () -> {
          for (LiveTask t : tasks) {
            if (t.state == TaskState.QUEUED) {
              queue.add(t);
              trackDeadline(t);
            }
          }
        });
  }

  void addWorker(WorkerHandle handle, PoolSpec spec) {
    step(
        () -> {
          Slot slot = new Slot(handle, new HashSet<>(spec.getHandlersList()));
          Slot old = workers.put(handle.id(), slot);
          if (old != null) {
            order.remove(old);
          }
          order.add(slot);
        });
  }

  /** The worker's stream ended: its leases go back to the queue, or end as WORKER_LOST. */
  void removeWorker(String workerId) {
    step(
        () -> {
          expireAwaitingAcks(workerId, clock.millis());
          Slot slot = workers.remove(workerId);
          if (slot == null) {
            return;
          }
          order.remove(slot);
          totalCredits -= slot.credits;
          if (stopped) {
            // This coordinator closed the stream itself: no worker was lost and no attempt is
            // charged. The records still show the leases, which the adopting member keeps.
            for (String id : slot.leases) {
              removeRunning(id);
            }
            return;
          }
          List<LiveTask> requeue = new ArrayList<>();
          for (String id : slot.leases) {
            LiveTask t = removeRunning(id);
            if (t == null) {
              continue;
            }
            freeTypeSlot(t);
            jobs.running(t.jobId(), -1);
            if (fenced) {
              // This coordinator closed the stream itself (fenced off): no worker was lost, so the
              // attempt is not charged. The task waits here until the fence lifts (then it is
              // leased again, a new attempt number fencing out the old one's late report); if this
              // coordinator was cut off instead, the majority adopted it and this copy is dropped
              // with the fresh start.
              t.unchargedAttempts++;
            }
            if (t.chargedAttempts() >= t.maxAttempts) {
              finish(t, workerLost(t), true);
            } else {
              t.state = TaskState.QUEUED;
              t.workerId = null;
              t.retryReason = TaskEvents.RETRY_WORKER_LOST;
              requeue.add(t);
            }
          }
          // Re-queued at the front, oldest lease first, so they keep their place in line.
          for (int i = requeue.size() - 1; i >= 0; i--) {
            queue.addFirst(requeue.get(i));
          }
          if (!requeue.isEmpty()) {
            log.info(
                "Worker {} left: {} task(s) of pool {} re-queued", workerId, requeue.size(), pool);
          }
        });
  }

  /**
   * This coordinator is stopping: from the next step on nothing is leased; results are still
   * accepted and recorded. Completes once the step ran and its writes were issued.
   */
  CompletableFuture<Void> stopLeasing() {
    CompletableFuture<Void> stoppedNow = new CompletableFuture<>();
    step(() -> stopped = true);
    executor.execute(() -> stoppedNow.complete(null));
    return stoppedNow;
  }

  /** Fences leasing off (see {@link #fenced}); completes once the step ran. */
  CompletableFuture<Void> fence() {
    CompletableFuture<Void> fencedNow = new CompletableFuture<>();
    step(() -> fenced = true);
    executor.execute(() -> fencedNow.complete(null));
    return fencedNow;
  }

  /** Leases again after {@link #fence()}. */
  void unfence() {
    step(() -> fenced = false);
  }

  void credits(String workerId, int credits) {
    step(
        () -> {
          Slot slot = workers.get(workerId);
          if (slot != null && credits > 0 && !slot.draining) {
            slot.credits += credits;
            totalCredits += credits;
          }
        });
  }

  /**
   * The worker asks for credits back (another coordinator sharing it has work and no credit). The
   * credits a slot still holds when this step starts found nothing to run at the end of the last
   * step (each step pumps), so they are idle: up to {@code wanted} of them go back.
   */
  void recall(String workerId, int wanted) {
    step(
        () -> {
          Slot slot = workers.get(workerId);
          if (slot == null || slot.draining) {
            return;
          }
          // Answered even with nothing to give, so that the worker knows the recall is over.
          int give = (int) Math.max(0, Math.min(wanted, slot.credits));
          slot.credits -= give;
          totalCredits -= give;
          slot.toldDemand = IDLE;
          slot.handle
              .link()
              .sendDemand(PoolDemand.newBuilder().setPool(pool).setReturnedCredits(give).build());
        });
  }

  /**
   * The worker takes no new work: the credits it granted are void, and so are later ones. Completes
   * once every assignment this pool sent the worker before is on its stream.
   */
  CompletableFuture<Void> workerDraining(String workerId) {
    CompletableFuture<Void> sentBefore = new CompletableFuture<>();
    step(
        () -> {
          Slot slot = workers.get(workerId);
          if (slot != null) {
            totalCredits -= slot.credits;
            slot.credits = 0;
            slot.draining = true;
          }
        });
    // Serial executor: this runs after the step above and everything it sent.
    executor.execute(() -> sentBefore.complete(null));
    return sentBefore;
  }

  void results(String workerId, List<TaskResult> results) {
    step(
        () -> {
          for (TaskResult r : results) {
            accept(workerId, r);
          }
        });
  }

  /** Cancels a task this pool holds; completes with what the cancel did. */
  void cancel(LiveTask task, boolean force, CompletableFuture<CancelOutcome.Result> outcome) {
    step(
        () -> {
          CancelOutcome.Result r = cancelNow(task, force, outcome);
          if (r != null) {
            outcome.complete(r);
          }
        });
  }

  /**
   * A worker's answer to a cancel that asked whether its tasks had started: the ones that had not
   * (prefetched CPU tasks still in the worker's queue) were removed from a queue and never ran.
   */
  void cancelAcked(String workerId, List<String> notStarted, List<String> started) {
    step(
        () -> {
          answerAwaiting(workerId, notStarted, CancelOutcome.Result.REMOVED_FROM_QUEUE);
          answerAwaiting(workerId, started, CancelOutcome.Result.STOPPED_WHILE_RUNNING);
        });
  }

  private void answerAwaiting(String workerId, List<String> ids, CancelOutcome.Result result) {
    for (String id : ids) {
      AwaitingAck a = awaitingAcks.get(id);
      if (a != null && a.workerId().equals(workerId)) {
        awaitingAcks.remove(id);
        a.outcome().complete(result);
      }
    }
  }

  /**
   * Answers the cancels still waiting for an ack from {@code workerId} (its stream ended), or, with
   * a null worker, those waiting longer than {@link #CANCEL_ACK_TIMEOUT_MS}: the task was leased,
   * so STOPPED_WHILE_RUNNING is what is known.
   */
  private void expireAwaitingAcks(@Nullable String workerId, long now) {
    if (awaitingAcks.isEmpty()) {
      return;
    }
    var it = awaitingAcks.values().iterator();
    while (it.hasNext()) {
      AwaitingAck a = it.next();
      if (workerId != null
          ? a.workerId().equals(workerId)
          : now - a.sinceMillis() >= CANCEL_ACK_TIMEOUT_MS) {
        it.remove();
        a.outcome().complete(CancelOutcome.Result.STOPPED_WHILE_RUNNING);
      }
    }
  }

  /**
   * Ends running tasks whose run timeout or deadline has passed (by the injected clock): the worker
   * is told to stop them with outcome TIMED_OUT, and TIMED_OUT is recorded at once (the worker's
   * later report is fenced out, as for a cancel). Waiting tasks (queued, waiting out a retry
   * backoff, or held by a type limit) whose deadline has passed end TIMED_OUT too, in the same
   * step, so a deadline is enforced within one timer period (100 ms) whatever the task is doing.
   */
  void checkTimeouts() {
    step(
        () -> {
          long now = clock.millis();
          List<LiveTask> expired = new ArrayList<>();
          for (LiveTask t : timeLimited.values()) {
            long timeout = t.spec.getTimeoutMs();
            if ((timeout > 0 && now - t.startedMillis >= timeout) || pastDeadline(t, now)) {
              expired.add(t);
            }
          }
          for (LiveTask t : expired) {
            Slot slot = workers.get(t.workerId);
            release(t);
            jobs.running(t.jobId(), -1);
            if (slot != null) {
              // Forced: a timeout is a hard kill (a CPU task's child is killed at once, without
              // the grace period a cancel gets), as documented in ASYNCIO.md.
              slot.handle
                  .link()
                  .sendCancels(
                      CancelTasks.newBuilder()
                          .addTaskIds(t.id())
                          .setForce(true)
                          .setOutcome(Outcome.TIMED_OUT)
                          .build());
            }
            String why =
                pastDeadline(t, now)
                    ? "deadline passed while running"
                    : "run timeout of " + t.spec.getTimeoutMs() + " ms exceeded";
            finish(t, result(t, Outcome.TIMED_OUT, "Timeout", why), false);
          }
          expireWaiting(now);
          expireAwaitingAcks(null, now);
        });
  }

  /**
   * Ends the waiting tasks whose deadline has passed. They leave the queue, the retry heap and the
   * type limit's held list lazily (each skips tasks that are no longer QUEUED), as for a cancel.
   */
  private void expireWaiting(long now) {
    while (!deadlines.isEmpty() && pastDeadline(deadlines.first(), now)) {
      LiveTask t = deadlines.pollFirst();
      if (t.state == TaskState.QUEUED) {
        finish(
            t,
            result(t, Outcome.TIMED_OUT, "DeadlineExceeded", "deadline passed while queued"),
            false);
      }
      // A running one was ended by the sweep above; a finished one was untracked already.
    }
  }

  private void trackDeadline(LiveTask t) {
    if (t.spec.getDeadlineUnixMs() > 0) {
      deadlines.add(t);
    }
  }

  private static boolean pastDeadline(LiveTask t, long now) {
    long deadline = t.spec.getDeadlineUnixMs();
    return deadline > 0 && now >= deadline;
  }

  /**
   * A task ended elsewhere (another coordinator recorded its outcome first): stop scheduling it
   * here without writing anything. A lease it holds is released and its worker told to stop the
   * attempt, whose report would be fenced out anyway.
   */
  void forget(LiveTask t, Outcome outcome) {
    step(
        () -> {
          if (t.state == TaskState.DONE) {
            return;
          }
          boolean wasRunning = t.state == TaskState.RUNNING && running.containsKey(t.id());
          if (wasRunning) {
            Slot slot = workers.get(t.workerId);
            release(t);
            jobs.running(t.jobId(), -1);
            if (slot != null) {
              slot.handle
                  .link()
                  .sendCancels(
                      CancelTasks.newBuilder()
                          .addTaskIds(t.id())
                          .setOutcome(Outcome.CANCELLED)
                          .build());
            }
          }
          // A queued task is skipped lazily when the queue polls it.
          t.state = TaskState.DONE;
          deadlines.remove(t);
          jobs.completed(t.jobId(), outcome, wasRunning);
          sink.forgotten(t);
        });
  }

  /**
   * Tasks adopted from a coordinator that left: one whose record names a worker connected here
   * keeps that lease (same attempt, so the worker's report is accepted); the rest are queued at the
   * front, in the order given.
   */
  void adopt(List<LiveTask> tasks) {
    step(
        () -> {
          List<LiveTask> requeue = new ArrayList<>();
          for (LiveTask t : tasks) {
            trackDeadline(t);
            Slot slot = t.workerId == null ? null : workers.get(t.workerId);
            if (slot != null) {
              t.state = TaskState.RUNNING;
              slot.leases.add(t.id());
              slot.handle.used(pool).incrementAndGet();
              addRunning(t);
              typeLimits.started(t);
              jobs.running(t.jobId(), 1);
            } else {
              t.state = TaskState.QUEUED;
              t.workerId = null;
              t.retryReason = TaskEvents.RETRY_ADOPTED;
              requeue.add(t);
            }
          }
          for (int i = requeue.size() - 1; i >= 0; i--) {
            queue.addFirst(requeue.get(i));
          }
          // Ask each worker whether it really runs what the records say: the assignment may have
          // died with the old coordinator, or the worker may have reported the result to it.
          Map<Slot, List<String>> ask = new LinkedHashMap<>();
          for (LiveTask t : tasks) {
            Slot slot = t.state == TaskState.RUNNING ? workers.get(t.workerId) : null;
            if (slot != null) {
              ask.computeIfAbsent(slot, k -> new ArrayList<>()).add(t.id());
            }
          }
          ask.forEach((slot, ids) -> slot.handle.link().sendReconcile(ids));
          log.info(
              "Pool {} adopted {} task(s): {} kept their lease, {} re-queued",
              pool,
              tasks.size(),
              tasks.size() - requeue.size(),
              requeue.size());
        });
  }

  /**
   * The worker does not run these tasks (a Reconcile answer): their leases go back to the queue.
   */
  void leasesLost(String workerId, List<String> taskIds) {
    step(
        () -> {
          Slot slot = workers.get(workerId);
          if (slot == null) {
            return; // the worker left: removeWorker re-queued its leases already
          }
          for (String id : taskIds) {
            LiveTask t = running.get(id);
            if (t == null || !workerId.equals(t.workerId)) {
              continue;
            }
            release(t);
            jobs.running(t.jobId(), -1);
            // The worker is alive: its answer says the assignment (or its result) died with the
            // old owner. The next lease gets a new attempt number (fencing), but the lost one is
            // not charged against max_attempts.
            t.unchargedAttempts++;
            if (t.chargedAttempts() >= t.maxAttempts) {
              finish(t, workerLost(t), true);
            } else {
              t.state = TaskState.QUEUED;
              t.workerId = null;
              t.retryReason = TaskEvents.RETRY_LEASE_LOST;
              queue.addFirst(t);
            }
          }
        });
  }

  /**
   * Applies a change of the type permits (a cluster answer, a retry, inherited permits) in a step:
   * the held tasks it hands a permit go back to the front of the queue, oldest first.
   */
  void typePermitsChanged(Supplier<List<LiveTask>> change) {
    step(
        () -> {
          List<LiveTask> freed = change.get();
          for (int i = freed.size() - 1; i >= 0; i--) {
            queue.addFirst(freed.get(i));
          }
        });
  }

  /**
   * Queued tasks (including ones cancelled lazily but not yet polled, ones waiting out a retry
   * backoff and ones held by a type limit). For tests and metrics.
   */
  CompletableFuture<Integer> queuedCount() {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    executor.execute(() -> f.complete(queue.size() + retries.size() + typeLimits.heldCount()));
    return f;
  }

  /**
   * A snapshot of what waits and runs here, taken on the executor in one pass over the waiting and
   * running tasks (O(tasks), once per scrape: about 10 ms per million waiting tasks).
   */
  CompletableFuture<PoolSnapshot> snapshot() {
    CompletableFuture<PoolSnapshot> f = new CompletableFuture<>();
    executor.execute(() -> f.complete(snapshotNow()));
    return f;
  }

  private PoolSnapshot snapshotNow() {
    Set<String> offered = new HashSet<>();
    for (Slot slot : order) {
      if (!slot.draining) {
        offered.addAll(slot.handlers);
      }
    }
    long[] oldest = {Long.MAX_VALUE};
    Map<String, Integer> withoutWorker = new HashMap<>();
    java.util.function.Consumer<LiveTask> waiting =
        t -> {
          if (t.state != TaskState.QUEUED) {
            return; // cancelled, removed lazily
          }
          oldest[0] = Math.min(oldest[0], t.submittedMillis);
          String type = t.spec.getType();
          if (!offered.contains(type)) {
            withoutWorker.merge(type, 1, Integer::sum);
          }
        };
    queue.forEach(waiting);
    for (RetryAt r : retries) {
      waiting.accept(r.task());
    }
    typeLimits.forEachHeld(waiting);
    long oldestRunning = Long.MAX_VALUE;
    for (LiveTask t : running.values()) {
      oldestRunning = Math.min(oldestRunning, t.startedMillis);
    }
    return new PoolSnapshot(
        queue.size() + retries.size() + typeLimits.heldCount(),
        typeLimits.heldCount(),
        oldest[0] == Long.MAX_VALUE ? -1 : oldest[0],
        oldestRunning == Long.MAX_VALUE ? -1 : oldestRunning,
        withoutWorker);
  }

  /** Posts one step to this pool's serial executor. */
  private void step(Runnable change) {
    step(false, change);
  }

  /**
   * Posts one step; with {@code here}, from a pool thread (a store continuation) and the pool idle,
   * the step runs on the calling thread at once ({@link SerialExecutor#executeHere}); from a gRPC
   * or timer thread it is always handed off.
   */
  private void step(boolean here, Runnable change) {
    Runnable step =
        () -> {
          change.run();
          releaseDueRetries();
          pump();
          tellDemand();
          flush();
        };
    if (here) {
      executor.executeHere(step);
    } else {
      executor.execute(step);
    }
  }

  /** Moves the retries whose backoff has passed (by the injected clock) to the queue. */
  private void releaseDueRetries() {
    long now = clock.millis();
    while (!retries.isEmpty() && retries.peek().dueMillis() <= now) {
      LiveTask t = retries.poll().task();
      if (t.state == TaskState.QUEUED) {
        queue.add(t);
      }
    }
  }

  private void accept(String workerId, TaskResult r) {
    LiveTask t = running.get(r.getTaskId());
    // Attempt fencing: only the current lease holder's current attempt may end a task.
    if (t == null || t.attempt != r.getAttempt() || !workerId.equals(t.workerId)) {
      log.debug(
          "Dropped stale result {} attempt {} from {}",
          WireIds.escape(r.getTaskId()),
          r.getAttempt(),
          workerId);
      sink.resultDropped(TaskEvents.DROPPED_NOT_HELD);
      return;
    }
    release(t);
    jobs.running(t.jobId(), -1);
    if (retryable(t, r)) {
      t.state = TaskState.QUEUED;
      t.workerId = null;
      t.retryReason =
          r.getOutcome() == Outcome.WORKER_LOST
              ? TaskEvents.RETRY_WORKER_LOST
              : TaskEvents.RETRY_FAILED;
      // Stored as QUEUED (no worker) while it waits: GetTask must not show the old lease.
      leasedNow.add(t.info());
      long delay = backoff.delayMillis(t.spec.getRetry(), t.attempt);
      if (delay <= 0) {
        queue.add(t);
      } else {
        retries.add(new RetryAt(RetryBackoff.dueAt(clock.millis(), delay), retrySequence++, t));
        log.debug("Task {} attempt {} failed: retry in {} ms", t.id(), t.attempt, delay);
      }
      return;
    }
    TaskResult.Builder b = r.toBuilder();
    if (b.getOutcome() == Outcome.OUTCOME_UNSPECIFIED) {
      b.setOutcome(Outcome.FAILED);
    }
    if (b.getFinishedUnixMs() == 0) {
      b.setFinishedUnixMs(clock.millis());
    }
    finish(t, t.stamp(b).build(), false);
  }

  private static boolean retryable(LiveTask t, TaskResult r) {
    if (t.chargedAttempts() >= t.maxAttempts) {
      return false;
    }
    // A lost process (a CPU child killed mid-task) counts as an attempt, like a lost worker.
    if (r.getOutcome() == Outcome.WORKER_LOST) {
      return true;
    }
    // A handler's failure is retried when the client asked for retries (an explicit policy, as in
    // Temporal or Celery's autoretry) or the worker marked it transient; never for a type the
    // policy lists as non-retryable. Without a policy only worker loss is retried.
    return r.getOutcome() == Outcome.FAILED
        && (t.spec.hasRetry() || r.getError().getRetryable())
        && !t.spec.getRetry().getNonRetryableErrorTypesList().contains(r.getError().getType());
  }

  /**
   * Cancels a task; returns what the cancel did, or null when {@code outcome} is completed later (a
   * leased CPU task, whose worker says whether it had started).
   */
  private CancelOutcome.@Nullable Result cancelNow(
      LiveTask t, boolean force, CompletableFuture<CancelOutcome.Result> outcome) {
    if (t.state == TaskState.QUEUED) {
      // Lazy removal: the queue skips tasks that are no longer QUEUED when it polls them.
      finish(t, result(t, Outcome.CANCELLED, "Cancelled", "cancelled while queued"), false);
      return CancelOutcome.Result.REMOVED_FROM_QUEUE;
    }
    if (t.state == TaskState.RUNNING && running.containsKey(t.id())) {
      Slot slot = workers.get(t.workerId);
      String workerId = t.workerId;
      release(t);
      jobs.running(t.jobId(), -1);
      // A CPU worker may hold the task in its own queue (prefetched) without having started it:
      // only the worker knows, so the answer waits for its ack (sent at once).
      boolean askWorker = slot != null && pool == Pool.CPU && !awaitingAcks.containsKey(t.id());
      if (slot != null) {
        slot.handle
            .link()
            .sendCancels(
                CancelTasks.newBuilder()
                    .addTaskIds(t.id())
                    .setForce(force)
                    .setOutcome(Outcome.CANCELLED)
                    .setAck(askWorker)
                    .build());
      }
      // Recorded at once: the client learns promptly, and the worker's later report is fenced.
      finish(
          t,
          result(t, Outcome.CANCELLED, "Cancelled", "cancelled while leased to a worker"),
          false);
      if (askWorker) {
        awaitingAcks.put(t.id(), new AwaitingAck(workerId, clock.millis(), outcome));
        return null;
      }
      return CancelOutcome.Result.STOPPED_WHILE_RUNNING;
    }
    return CancelOutcome.Result.ALREADY_FINISHED;
  }

  private void pump() {
    if (stopped || fenced || totalCredits <= 0 || queue.isEmpty() || workers.isEmpty()) {
      return;
    }
    List<LiveTask> skipped = new ArrayList<>();
    while (totalCredits > 0) {
      LiveTask t = queue.poll();
      if (t == null) {
        break;
      }
      if (t.state != TaskState.QUEUED) {
        continue; // cancelled while queued
      }
      if (pastDeadline(t, clock.millis())) {
        finish(
            t,
            result(t, Outcome.TIMED_OUT, "DeadlineExceeded", "deadline passed while queued"),
            false);
        continue;
      }
      if (!typeLimits.admitOrHold(t)) {
        continue; // its type is at its limit: held until a task of that type stops
      }
      Slot slot = pickWorker(t.spec.getType());
      if (slot == null) {
        skipped.add(t);
        if (skipped.size() >= MAX_SKIPPED_PER_PUMP) {
          break;
        }
        continue;
      }
      lease(t, slot);
    }
    for (int i = skipped.size() - 1; i >= 0; i--) {
      queue.addFirst(skipped.get(i));
    }
    for (Slot slot : workers.values()) {
      if (!slot.outbox.isEmpty()) {
        sendInChunks(slot);
      }
    }
  }

  /**
   * Tells each worker whose view is stale whether this pool wants more of its slots: it does when
   * tasks are still queued after the pump and the worker's credits are used up. (Credits left over
   * with tasks still queued mean those tasks cannot run there: no demand from that worker.) Sent
   * only on a change, so a single coordinator costs one message per idle/busy transition.
   */
  private void tellDemand() {
    if (stopped || fenced) {
      return;
    }
    boolean waiting = !queue.isEmpty();
    for (Slot slot : order) {
      if (slot.draining) {
        continue;
      }
      byte now = waiting && slot.credits == 0 ? WANTING : IDLE;
      if (slot.toldDemand != now) {
        slot.toldDemand = now;
        slot.handle
            .link()
            .sendDemand(
                PoolDemand.newBuilder()
                    .setPool(pool)
                    .setQueued(now == WANTING ? queue.size() : 0)
                    .build());
      }
    }
  }

  /**
   * Sends the outbox in messages of at most {@link #MAX_ASSIGNMENT_BYTES}: a worker joining a long
   * queue gets as many tasks as it has credits (100,000 and more), far over gRPC's 4 MiB limit.
   */
  private static void sendInChunks(Slot slot) {
    int from = 0;
    int bytes = 0;
    List<Assignment> out = slot.outbox;
    for (int i = 0; i < out.size(); i++) {
      int size = out.get(i).getSerializedSize() + 8;
      if (i > from && bytes + size > MAX_ASSIGNMENT_BYTES) {
        slot.handle.link().sendAssignments(List.copyOf(out.subList(from, i)));
        from = i;
        bytes = 0;
      }
      bytes += size;
    }
    slot.handle.link().sendAssignments(List.copyOf(out.subList(from, out.size())));
    out.clear();
  }

  /** Round-robin over workers with credit that run the type. */
  private @Nullable Slot pickWorker(String type) {
    int n = order.size();
    for (int i = 0; i < n; i++) {
      Slot s = order.get((rotation + i) % n);
      if (s.credits > 0 && s.handlers.contains(type)) {
        rotation = (rotation + i + 1) % n;
        return s;
      }
    }
    return null;
  }

  private void lease(LiveTask t, Slot slot) {
    slot.credits--;
    totalCredits--;
    t.attempt++;
    t.state = TaskState.RUNNING;
    t.workerId = slot.handle.id();
    t.startedMillis = clock.millis();
    slot.leases.add(t.id());
    slot.handle.used(pool).incrementAndGet();
    addRunning(t);
    typeLimits.started(t);
    jobs.running(t.jobId(), 1);
    slot.outbox.add(
        Assignment.newBuilder().setSpec(t.spec).setAttempt(t.attempt).setPool(pool).build());
    leasedNow.add(t.info());
    sink.started(pool, t);
  }

  private void addRunning(LiveTask t) {
    running.put(t.id(), t);
    if (t.spec.getTimeoutMs() > 0 || t.spec.getDeadlineUnixMs() > 0) {
      timeLimited.put(t.id(), t);
    }
  }

  private @Nullable LiveTask removeRunning(String id) {
    timeLimited.remove(id);
    return running.remove(id);
  }

  private void release(LiveTask t) {
    if (removeRunning(t.id()) != null) {
      freeTypeSlot(t);
    }
    Slot slot = t.workerId == null ? null : workers.get(t.workerId);
    if (slot != null && slot.leases.remove(t.id())) {
      slot.handle.used(pool).decrementAndGet();
    }
  }

  /** A task of a limited type stopped running: the oldest one held for that type may go. */
  private void freeTypeSlot(LiveTask t) {
    LiveTask next = typeLimits.stopped(t);
    if (next != null) {
      queue.addFirst(next);
    }
  }

  private void finish(LiveTask t, TaskResult result, boolean wasRunningAlreadyReleased) {
    t.state = TaskState.DONE;
    if (t.spec.getDeadlineUnixMs() > 0) {
      deadlines.remove(t);
    }
    jobs.completed(t.jobId(), result.getOutcome(), false);
    doneTasks.add(t);
    doneNow.add(t.done(result));
    if (wasRunningAlreadyReleased) {
      log.debug("Task {} ended {} after {} attempts", t.id(), result.getOutcome(), t.attempt);
    }
  }

  private TaskResult workerLost(LiveTask t) {
    return result(
        t,
        Outcome.WORKER_LOST,
        "WorkerLost",
        "worker " + t.workerId + " was lost during attempt " + t.attempt + " of " + t.maxAttempts);
  }

  private TaskResult result(LiveTask t, Outcome outcome, String errorType, String message) {
    return t.stamp(TaskResult.newBuilder())
        .setOutcome(outcome)
        .setError(TaskError.newBuilder().setType(errorType).setMessage(message))
        .setFinishedUnixMs(clock.millis())
        .build();
  }

  private void flush() {
    if (!leasedNow.isEmpty()) {
      sink.leased(List.copyOf(leasedNow));
      leasedNow.clear();
    }
    if (!doneNow.isEmpty()) {
      sink.completed(List.copyOf(doneTasks), List.copyOf(doneNow));
      doneTasks.clear();
      doneNow.clear();
    }
  }
}

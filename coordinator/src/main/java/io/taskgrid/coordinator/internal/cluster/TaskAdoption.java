package io.taskgrid.coordinator.internal.cluster;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.coordinator.internal.concurrent.AsyncErrors;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.WireIds;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adopts the tasks of coordinators that left the cluster. Each task is scheduled by one
 * coordinator, its owner (named in its record). When a member leaves, the oldest remaining member
 * claims every live record whose owner is no longer a member (an atomic compare-and-set per record,
 * so no task gets two owners) and hands them to its scheduler, which keeps the leases of workers
 * connected to it and re-queues the rest. Then it takes over the type permits those members held
 * (see {@link Scheduler#inheritPermits}), so a dead coordinator never keeps a type's permits from
 * the others. Claiming "every orphan" rather than "the tasks of the member that just left" also
 * covers an adopter that dies half-way: the next one picks up what is left. Thread-safe; the work
 * runs on the given executor, never on a Hazelcast thread.
 *
 * <p>A coordinator that is fenced off (see MinorityWatch) adopts nothing: cut off, it would claim
 * the tasks the majority runs (its store refuses anyway, and every retry logged a stack trace);
 * paused, its view is stale. It logs one line when it stops adopting and one when it serves again,
 * and then looks for orphans at once.
 *
 * <p>Every {@link #AUDIT_EVERY} each coordinator also audits the store (docs/ARCHITECTURE.md, "The
 * store audit"): the oldest claims orphans again, in case a record of a departed member was missed
 * by the scans after its departure, and each one looks for live records that name it but that its
 * scheduler holds nowhere ({@link #audit}). No known path leaves either; the audit is the net under
 * one that is not, counted in {@code taskgrid_tasks_stranded_total}.
 */
public final class TaskAdoption implements MembershipListener {
  private static final Logger log = LoggerFactory.getLogger(TaskAdoption.class);

  private final HazelcastInstance hazelcast;
  private final TaskStore store;
  private final Scheduler scheduler;
  private final Executor executor;
  private volatile boolean closed;
  private final AtomicBoolean fenced = new AtomicBoolean();

  /** A claim failed since the last one that included this coordinator's own records. */
  private final AtomicBoolean claimFailed = new AtomicBoolean();

  /** How often each coordinator audits the store (see {@link #audit}). */
  static final Duration AUDIT_EVERY = Duration.ofSeconds(30);

  /**
   * The ids the last audit round found live under this coordinator but held nowhere here. Rounds
   * run one at a time (each schedules the next when it ends), but on any thread of the executor.
   */
  @GuardedBy("this")
  private Set<String> suspects = Set.of();

  /** The ids the last audit round found registered here but not yet queued (see {@link #audit}). */
  @GuardedBy("this")
  private Set<String> unqueued = Set.of();

  public TaskAdoption(
      HazelcastInstance hazelcast, TaskStore store, Scheduler scheduler, Executor executor) {
    this.hazelcast = hazelcast;
    this.store = store;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  /** When to scan for orphans again after a member left. */
  private static final List<Duration> RESCAN_DELAYS =
      List.of(Duration.ofSeconds(2), Duration.ofSeconds(10));

  /** When to try again after a scan failed. */
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  /** Listens to membership changes, and adopts orphans left by members gone before this start. */
  public void start() {
    hazelcast.getCluster().addMembershipListener(this);
    post();
    auditLater();
  }

  /** This coordinator stopped serving: nothing is adopted until {@link #serving()}. */
  public void fenced() {
    synchronized (this) {
      // Both sightings of a stranded task must be made while serving.
      suspects = Set.of();
      unqueued = Set.of();
    }
    if (fenced.compareAndSet(false, true)) {
      log.info(
          "Not adopting the tasks of departed coordinators while this coordinator is not serving");
    }
  }

  /** This coordinator serves again: it adopts what was left meanwhile. */
  public void serving() {
    if (fenced.compareAndSet(true, false)) {
      log.info("Serving again: adopting the tasks of departed coordinators, if any");
      post();
    }
  }

  /** Stops adopting (this coordinator is leaving). */
  public void close() {
    closed = true;
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    // A new member owns nothing yet.
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    log.info("Coordinator {} left the cluster", event.getMember());
    post();
    // Scan again once the partitions have settled: a scan that overlapped the migration of the
    // departed member's partitions, or that failed, must not leave a task without an owner.
    // A rescan claims only tasks still owned by a departed member, so it never claims twice.
    for (Duration delay : RESCAN_DELAYS) {
      postAfter(delay);
    }
  }

  private void post() {
    run(executor);
  }

  private void postAfter(Duration delay) {
    run(CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, executor));
  }

  private void run(Executor on) {
    try {
      on.execute(this::adoptIfOldest);
    } catch (RejectedExecutionException e) {
      log.debug("Not adopting: the coordinator is stopping");
    }
  }

  private void auditLater() {
    if (closed) {
      return;
    }
    try {
      CompletableFuture.delayedExecutor(AUDIT_EVERY.toMillis(), TimeUnit.MILLISECONDS, executor)
          .execute(
              () -> {
                CompletionStage<List<TaskInfo>> round;
                try {
                  adoptIfOldest();
                  round = audit();
                } catch (RuntimeException e) {
                  // Thrown rather than returned (the member is shutting down): the next round
                  // must still be scheduled, or the audit would stop for good.
                  round = CompletableFuture.failedFuture(e);
                }
                round.whenComplete(
                    (scheduled, e) -> {
                      if (e != null && !closed) {
                        // One line, no stack trace: during a rolling upgrade a member of an
                        // earlier release cannot read the scan, and this repeats every round.
                        log.warn(
                            "The store audit failed ({}); it runs again in {}",
                            AsyncErrors.rootMessage(e),
                            AUDIT_EVERY);
                      }
                      auditLater();
                    });
              });
    } catch (RejectedExecutionException e) {
      log.debug("Not auditing the store: the coordinator is stopping");
    }
  }

  /**
   * One round of the store audit: reads the ids of the live records that name this coordinator, and
   * schedules those its scheduler held nowhere (not queued, waiting, running nor ending) both in
   * this round and in the one before. A record is in that state for a moment on every normal path
   * (stored but not yet registered, ended but not yet removed), never for a whole round; one that
   * the intake's repeated write still waits to accept is taken up here first, and the intake then
   * answers it as a duplicate. Completes with the records this round scheduled.
   *
   * <p>It also logs the tasks registered here but still not queued in two rounds in a row (see
   * {@link Scheduler#undispatched}): those it cannot take up itself, since their acks have not gone
   * out, but a session whose acks stopped would leave them so.
   */
  CompletionStage<List<TaskInfo>> audit() {
    if (closed || fenced.get() || !hazelcast.getLifecycleService().isRunning()) {
      return CompletableFuture.completedFuture(List.of());
    }
    logLingering();
    String self = scheduler.ownerId();
    return store
        .ownedLiveIds(self)
        .thenCompose(
            ids -> {
              Set<String> unheld = new HashSet<>();
              for (String id : ids) {
                if (!scheduler.schedules(id)) {
                  unheld.add(id);
                }
              }
              List<String> stranded = new ArrayList<>();
              synchronized (this) {
                for (String id : unheld) {
                  if (suspects.contains(id)) {
                    stranded.add(id);
                  }
                }
                unheld.removeAll(stranded);
                suspects = unheld;
              }
              if (stranded.isEmpty()) {
                return CompletableFuture.completedFuture(List.<TaskInfo>of());
              }
              return store
                  .getAll(stranded)
                  .thenApply(
                      found -> {
                        List<TaskInfo> records = new ArrayList<>();
                        for (TaskInfo r : found.values()) {
                          // Read again: it may have ended or been taken up since the scan.
                          if (r.getState() != TaskState.DONE
                              && r.getOwner().equals(self)
                              && !scheduler.schedules(r.getSpec().getId())) {
                            records.add(r);
                          }
                        }
                        if (!records.isEmpty() && !closed && !fenced.get()) {
                          scheduler.adoptStranded(records);
                          return records;
                        }
                        return List.<TaskInfo>of();
                      });
            });
  }

  private void logLingering() {
    Set<String> now = new HashSet<>(scheduler.undispatched());
    List<String> lingering = new ArrayList<>();
    synchronized (this) {
      for (String id : now) {
        if (unqueued.contains(id)) {
          lingering.add(id);
        }
      }
      unqueued = now;
    }
    if (!lingering.isEmpty()) {
      log.warn(
          "{} task(s) accepted here at least {} ago are still not queued (their session's acks"
              + " wait for an earlier batch's store write, or they never went out); the first: {}",
          lingering.size(),
          AUDIT_EVERY,
          lingering.stream().limit(20).map(WireIds::escape).toList());
    }
  }

  private void adoptIfOldest() {
    if (closed || fenced.get() || !hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    Set<Member> members = hazelcast.getCluster().getMembers();
    Iterator<Member> oldest = members.iterator();
    if (!oldest.hasNext() || !oldest.next().localMember()) {
      return;
    }
    Set<String> owners = new HashSet<>();
    for (Member m : members) {
      owners.add(m.getUuid().toString());
    }
    // A claim is one write per partition: a failed one may have claimed some records already,
    // which name this coordinator now and would be skipped by the next claim, scheduled by nobody.
    // So the scan after a failure takes up this coordinator's own live records too (the scheduler
    // skips those it runs or just ended).
    boolean includeOwn = claimFailed.get();
    Set<String> others = new HashSet<>(owners);
    if (includeOwn) {
      others.remove(scheduler.ownerId());
    }
    store
        .claimOrphans(others, scheduler.ownerId())
        .whenComplete(
            (claimed, e) -> {
              if (e != null) {
                claimFailed.set(true);
                if (fenced.get() || closed) {
                  return; // refused because fenced; serving() looks again
                }
                log.warn(
                    "Could not adopt the tasks of departed coordinators; trying again in {}",
                    RETRY_DELAY,
                    e);
                postAfter(RETRY_DELAY);
              } else {
                if (includeOwn) {
                  claimFailed.set(false);
                }
                if (!claimed.isEmpty()) {
                  scheduler.adopt(claimed);
                }
                // After adopt: the adopted tasks are counted before their permits arrive.
                inheritPermits(owners);
              }
            });
  }

  private void inheritPermits(Set<String> owners) {
    scheduler
        .inheritPermits(owners)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                if (fenced.get() || closed) {
                  return;
                }
                log.warn(
                    "Could not take over the type permits of departed coordinators; trying"
                        + " again in {}",
                    RETRY_DELAY,
                    e);
                postAfter(RETRY_DELAY);
              }
            });
  }

  /** The id a coordinator writes into the records it owns. */
  public static String ownerId(HazelcastInstance hazelcast) {
    UUID uuid = hazelcast.getCluster().getLocalMember().getUuid();
    return uuid.toString();
  }
}

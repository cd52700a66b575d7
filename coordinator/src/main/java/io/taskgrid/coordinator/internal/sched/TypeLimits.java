package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Concurrency limits per task type for the whole cluster (the {@code asyncio.Semaphore} idea): at
 * most {@code limit} tasks of a limited type run at once on all coordinators together. The permits
 * live in {@link TypePermits}; this pool keeps a local budget taken from there in blocks (as many
 * as it has tasks waiting), so one cluster call covers many tasks, and when a task stops while
 * others of its type wait here, its permit goes straight to the next of them. A task polled without
 * a free permit is held here ({@link HeldTasks}: higher priority first, then in the order it was
 * polled) instead of going back to the queue, so it never blocks the tasks of other types behind
 * it. Permits are given back as soon as nothing of their type waits here, and at once when other
 * coordinators wait for them. Tasks of types without a limit cost one map lookup and no cluster
 * call.
 *
 * <p>Not thread-safe: owned by one pool scheduler's serial executor. Cluster answers, retries and
 * inherited permits come back as steps of that executor ({@link Steps}).
 */
final class TypeLimits {
  private static final Logger log = LoggerFactory.getLogger(TypeLimits.class);

  /** The first wait before asking again for permits the cluster refused; then it doubles. */
  static final Duration FIRST_RETRY = Duration.ofMillis(20);

  /**
   * The longest wait between two asks while tasks wait: a permit another coordinator frees is
   * noticed here within about this long (its release is not seen locally).
   */
  static final Duration MAX_RETRY = Duration.ofMillis(250);

  /** How a change made off the pool's executor gets back on it. */
  @FunctionalInterface
  interface Steps {
    /**
     * Runs {@code change} in a step of the pool scheduler; the held tasks it returns go back to the
     * front of the queue, oldest first, before the step's pump.
     */
    void post(Supplier<List<LiveTask>> change);
  }

  /** One limited type as this pool sees it. */
  private static final class TypeBudget {
    final int limit;

    /** Permits this pool took from the cluster and has not given back. */
    int budget;

    int running;

    /** Tasks polled without a permit, oldest first; cancelled ones are dropped when reached. */
    final HeldTasks held = new HeldTasks();

    /** Held tasks handed a permit and sent back to the queue, not started yet. */
    final Set<LiveTask> reserved = new HashSet<>();

    /** One exchange at a time, so the answers cannot overtake each other. */
    boolean inFlight;

    /** The last answer said other coordinators wait for permits of this type. */
    boolean contended;

    /**
     * Free permits that go back to the cluster at the next exchange: freed by tasks that stopped
     * while other coordinators waited, so they are not kept for the tasks waiting here.
     */
    int returning;

    /** The last answer left part of the request unmet: the cluster records it as our demand. */
    boolean demandRecorded;

    /**
     * The last answer granted less than asked: no new ask (other than one giving permits back)
     * until the retry timer fires, so a refused pool does not ask again at every step.
     */
    boolean refused;

    boolean retryArmed;
    long retryMillis = FIRST_RETRY.toMillis();

    TypeBudget(int limit) {
      this.limit = limit;
    }

    int used() {
      return running + reserved.size();
    }

    int free() {
      return budget - used();
    }

    /** Free permits this pool may hand to its own tasks. */
    int available() {
      return free() - Math.min(returning, Math.max(0, free()));
    }
  }

  private final Map<String, TypeBudget> budgets = new HashMap<>();
  private final TypePermits permits;
  private final String owner;
  private final RetryTimer timer;
  private final Set<String> toSettle = new LinkedHashSet<>();
  private boolean settlePosted;
  private int heldCount;
  private Steps steps =
      change -> {
        throw new IllegalStateException("TypeLimits is not attached to a pool scheduler");
      };

  /** Limits for a coordinator alone (permits in memory). */
  TypeLimits(Map<String, Integer> limits) {
    this(limits, new InMemoryTypePermits(), "local", RetryTimer.daemon());
  }

  /**
   * @param limits the most running tasks per type in the cluster; types not listed are unlimited
   * @param permits the permits shared by the coordinators
   * @param owner this coordinator's id, under which it holds permits
   * @param timer when to ask the cluster again for refused permits
   */
  TypeLimits(Map<String, Integer> limits, TypePermits permits, String owner, RetryTimer timer) {
    limits.forEach((type, limit) -> budgets.put(type, new TypeBudget(limit)));
    this.permits = permits;
    this.owner = owner;
    this.timer = timer;
  }

  /** Connects the pool scheduler that owns this (called once, by its constructor). */
  void attach(Steps steps) {
    this.steps = steps;
  }

  /** Whether a task may start now; if not, the task is held until a permit is free for it. */
  boolean admitOrHold(LiveTask t) {
    TypeBudget b = budgets.get(t.spec.getType());
    if (b == null || b.reserved.contains(t) || (b.held.isEmpty() && b.available() > 0)) {
      return true;
    }
    b.held.addLast(t);
    heldCount++;
    settleLater(t.spec.getType());
    return false;
  }

  /** A task was leased (or adopted with its lease). */
  void started(LiveTask t) {
    TypeBudget b = budgets.get(t.spec.getType());
    if (b == null) {
      return;
    }
    b.reserved.remove(t);
    b.running++;
    if (b.free() < 0) {
      // An adopted task: cover it, so that other coordinators count it too.
      settleLater(t.spec.getType());
    }
  }

  /**
   * A task stopped running (ended, re-queued or lost). Returns the next held task of its type
   * (highest priority, then oldest) that is still queued, to put back at the front of the queue, or
   * null.
   */
  @Nullable LiveTask stopped(LiveTask t) {
    String type = t.spec.getType();
    TypeBudget b = budgets.get(type);
    if (b == null) {
      return null;
    }
    b.running--;
    if (b.contended) {
      // Other coordinators wait: the permit goes back to the cluster, which shares it fairly.
      if (b.free() > b.returning) {
        b.returning++;
      }
    } else if (b.available() > 0) {
      List<LiveTask> next = new ArrayList<>(1);
      handOut(b, 1, next);
      if (!next.isEmpty()) {
        return next.get(0);
      }
    }
    settleLater(type);
    return null;
  }

  /**
   * Permits this coordinator inherited from coordinators that left (per type). Takes, on the pool's
   * executor, what its tasks need: the tasks running without a permit (adopted with their lease),
   * and with {@code forHeldToo} the held ones as well; completes with the rest. Thread-safe.
   */
  CompletableFuture<Map<String, Integer>> inherit(
      Map<String, Integer> inherited, boolean forHeldToo) {
    CompletableFuture<Map<String, Integer>> rest = new CompletableFuture<>();
    steps.post(
        () -> {
          Map<String, Integer> left = new HashMap<>();
          List<LiveTask> freed = new ArrayList<>();
          inherited.forEach(
              (type, n) -> {
                TypeBudget b = budgets.get(type);
                int need = b == null ? 0 : b.used() + (forHeldToo ? b.held.size() : 0) - b.budget;
                int take = Math.min(n, Math.max(0, need));
                if (take > 0) {
                  b.budget += take;
                  settle(type, b, freed);
                }
                if (n > take) {
                  left.put(type, n - take);
                }
              });
          rest.complete(left);
          return freed;
        });
    return rest;
  }

  /** Tasks held because no permit of their type is free here. */
  int heldCount() {
    return heldCount;
  }

  /** Visits every held task (some may have been cancelled while held). On the pool's executor. */
  void forEachHeld(java.util.function.Consumer<LiveTask> visitor) {
    for (TypeBudget b : budgets.values()) {
      b.held.forEach(visitor);
    }
  }

  /** Running tasks of a type (limited types only; 0 for others). For tests. */
  int running(String type) {
    TypeBudget b = budgets.get(type);
    return b == null ? 0 : b.running;
  }

  /** Permits of a type this pool holds (limited types only). For tests. */
  int budget(String type) {
    TypeBudget b = budgets.get(type);
    return b == null ? 0 : b.budget;
  }

  /** Settles a type in a step after the current one, so one step's changes make one call. */
  private void settleLater(String type) {
    toSettle.add(type);
    if (!settlePosted) {
      settlePosted = true;
      steps.post(this::settleAll);
    }
  }

  private List<LiveTask> settleAll() {
    settlePosted = false;
    List<String> types = List.copyOf(toSettle);
    toSettle.clear();
    List<LiveTask> freed = new ArrayList<>();
    for (String type : types) {
      settle(type, budgets.get(type), freed);
    }
    return freed;
  }

  /**
   * Hands free permits to held tasks, then asks the cluster for what is missing or gives back what
   * is not used. Tasks handed a permit are added to {@code freed}.
   */
  private void settle(String type, TypeBudget b, List<LiveTask> freed) {
    // Handed a permit but ended before they started (cancelled, deadline passed while queued).
    b.reserved.removeIf(t -> t.state != TaskState.QUEUED);
    while (!b.held.isEmpty() && b.held.peekFirst().state != TaskState.QUEUED) {
      b.held.pollFirst(); // cancelled while held: not worth a permit
      heldCount--;
    }
    handOut(b, b.available(), freed);
    if (b.inFlight) {
      return; // the answer settles again
    }
    int free = Math.max(0, b.free());
    int waiting = b.held.size();
    // Unused permits go back when nothing waits here; while other coordinators wait, so do the
    // permits freed meanwhile (the cluster then grants the tasks waiting here a fair share).
    int giveBack = waiting == 0 ? free : Math.min(b.returning, free);
    b.returning = 0;
    int wanted = Math.min(b.limit, Math.max(0, b.used() + waiting - (b.budget - giveBack)));
    if (giveBack == 0 && wanted == 0 && !b.demandRecorded) {
      return;
    }
    if (giveBack == 0 && wanted > 0 && b.refused) {
      return; // the retry asks again
    }
    exchange(type, b, giveBack, wanted);
  }

  /** Gives up to {@code n} permits to the next held tasks (by priority) that are still queued. */
  private void handOut(TypeBudget b, int n, List<LiveTask> freed) {
    while (n > 0 && !b.held.isEmpty()) {
      LiveTask t = b.held.pollFirst();
      heldCount--;
      if (t.state == TaskState.QUEUED) {
        b.reserved.add(t);
        freed.add(t);
        n--;
      }
      // Cancelled while held: dropped lazily, like the queue does.
    }
  }

  private void exchange(String type, TypeBudget b, int giveBack, int wanted) {
    b.inFlight = true;
    // Permits given back are not used from now on, whatever the answer: should the call fail
    // after it took effect, a permit is lost until this coordinator leaves, never counted twice.
    b.budget -= giveBack;
    try {
      permits
          .exchange(type, owner, giveBack, wanted, b.limit)
          .whenComplete(
              (grant, error) -> steps.post(() -> answered(type, b, wanted, grant, error)));
    } catch (RuntimeException e) {
      steps.post(() -> answered(type, b, wanted, null, e));
    }
  }

  private List<LiveTask> answered(
      String type,
      TypeBudget b,
      int wanted,
      @Nullable PermitGrant grant,
      @Nullable Throwable error) {
    b.inFlight = false;
    if (grant == null) {
      log.warn("Could not exchange permits of task type {}; asking again later", type, error);
      b.demandRecorded = true;
      b.refused = true;
      retryLater(type, b);
    } else {
      b.budget += grant.granted();
      b.contended = grant.contended();
      b.demandRecorded = grant.granted() < wanted;
      b.refused = grant.granted() < wanted;
      if (grant.granted() > 0) {
        b.retryMillis = FIRST_RETRY.toMillis();
      }
      if (b.refused) {
        retryLater(type, b);
      }
    }
    List<LiveTask> freed = new ArrayList<>();
    settle(type, b, freed);
    return freed;
  }

  private void retryLater(String type, TypeBudget b) {
    if (b.retryArmed) {
      return;
    }
    b.retryArmed = true;
    Duration delay = Duration.ofMillis(b.retryMillis);
    b.retryMillis = Math.min(b.retryMillis * 2, MAX_RETRY.toMillis());
    timer.after(
        delay,
        () ->
            steps.post(
                () -> {
                  b.retryArmed = false;
                  b.refused = false;
                  List<LiveTask> freed = new ArrayList<>();
                  settle(type, b, freed);
                  return freed;
                }));
  }
}

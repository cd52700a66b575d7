package io.taskgrid.coordinator.internal.cluster;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether this coordinator may serve: not while it is in a minority of its cluster, and not
 * right after it was paused. A coordinator that lost most of the members it had cannot tell whether
 * they died or it was cut off from them; if cut off, the majority already adopted its tasks and
 * serves its clients, so serving here as well would run tasks twice and answer from a stale store.
 * A coordinator that was frozen (SIGSTOP, a long GC pause, a suspended VM) for longer than the
 * member timeout was removed by the others in the meantime, whatever its member list still says.
 *
 * <p>Rules: (a) <em>minority</em>: from a cluster of 3 or more (the largest member count seen, less
 * the members that announced a graceful stop), fewer than a majority remain. A cluster of 2 has no
 * majority after losing one, and fencing the survivor of every crash would stop the whole service,
 * so the rule starts at 3; a paused member of 2 is still caught by (b). It ends when a majority is
 * back (Hazelcast merged this member into the majority, or the missing members returned), or after
 * {@link Settings#quorumGrace()} with no other cluster found: the missing members are then presumed
 * dead (for example two of three killed at once) and the remaining ones become the cluster. (b)
 * <em>paused</em>: {@link #check()} runs every second or so; a gap longer than the member timeout
 * means this process did not run. It ends {@link Settings#pauseSettle()} later if the members are
 * still a majority (the others did not remove it); if they removed it, rule (a) takes over. While
 * Hazelcast merges this member into another cluster nothing is served; a merge means the others
 * adopted this coordinator's tasks, so {@link Listener#whole} then asks for a fresh start ({@code
 * rejoined}).
 *
 * <p>Decides by the injected clock; thread-safe. The listener is called outside the lock, in the
 * order of the transitions.
 */
public final class MinorityWatch {
  private static final Logger log = LoggerFactory.getLogger(MinorityWatch.class);

  /**
   * @param memberTimeout how long a silent member stays in the cluster (Hazelcast's
   *     max.no.heartbeat)
   * @param pauseSettle how long after a pause this coordinator waits for the others' verdict
   * @param quorumGrace how long a minority waits for a majority before presuming the others dead
   */
  public record Settings(Duration memberTimeout, Duration pauseSettle, Duration quorumGrace) {
    public Settings {
      Objects.requireNonNull(memberTimeout, "memberTimeout");
      Objects.requireNonNull(pauseSettle, "pauseSettle");
      Objects.requireNonNull(quorumGrace, "quorumGrace");
    }

    /**
     * The defaults for a member timeout: the others' verdict on a pause is in after two timeouts
     * (they remove a silent member after one, and this member learns it within heartbeats); a
     * minority waits three timeouts, and at least 10 s, for Hazelcast to find the majority (it
     * looks every member timeout, see HazelcastConfigs).
     */
    public static Settings of(Duration memberTimeout, Duration quorumGrace) {
      Settings d = of(memberTimeout);
      return quorumGrace.isZero() || quorumGrace.isNegative()
          ? d
          : new Settings(d.memberTimeout(), d.pauseSettle(), quorumGrace);
    }

    /** The defaults for a member timeout (see {@link #of(Duration, Duration)}). */
    public static Settings of(Duration memberTimeout) {
      Duration three = memberTimeout.multipliedBy(3);
      return new Settings(
          memberTimeout,
          memberTimeout.multipliedBy(2),
          three.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : three);
    }
  }

  /** Told of each transition. */
  public interface Listener {
    /** Stop serving, for {@code reason}. */
    void fenced(String reason);

    /**
     * Serve again. {@code rejoined}: this member was merged into another cluster, whose members
     * adopted its tasks; its in-memory state is stale and must be started afresh.
     */
    void whole(boolean rejoined);
  }

  private enum State {
    SERVING,
    PAUSED,
    MINORITY,
    MERGING
  }

  private final Clock clock;
  private final Settings settings;
  private final Listener listener;

  /**
   * True while the member list is settling after a member left (ClusterQuorum asks its
   * MemberLossGuard): a fenced member does not serve again meanwhile. Resumed from a pause, a
   * member removed by the others saw them leave its list one at a time, and counted as reachable
   * the one it had not removed yet (the heartbeats it had buffered while paused count as fresh):
   * for 180 ms it served a majority of 2 it did not have (PausedCoordinatorIT: 90 of 1,100 tasks
   * never ended).
   */
  private final BooleanSupplier settling;

  @GuardedBy("this")
  private State state = State.SERVING;

  /** When the current state began (a pause: when it was noticed). */
  @GuardedBy("this")
  private long sinceMillis;

  @GuardedBy("this")
  private int members;

  /** The cluster this member belongs to: the most members seen, less graceful departures. */
  @GuardedBy("this")
  private int baseline;

  /** Members that announced a graceful stop and have not left yet. */
  @GuardedBy("this")
  private int departing;

  /** Hazelcast merged this member into another cluster since it was fenced. */
  @GuardedBy("this")
  private boolean merged;

  @GuardedBy("this")
  private long lastCheckMillis = -1;

  /**
   * @param members the member count at start (this member included)
   */
  public MinorityWatch(Clock clock, Settings settings, int members, Listener listener) {
    this(clock, settings, members, listener, () -> false);
  }

  /**
   * @param members the member count at start (this member included)
   * @param settling whether the member list is settling after a loss: a fenced member does not
   *     serve again meanwhile (the next {@link #check()} asks again)
   */
  public MinorityWatch(
      Clock clock, Settings settings, int members, Listener listener, BooleanSupplier settling) {
    this.clock = clock;
    this.settings = settings;
    this.listener = listener;
    this.settling = settling;
    this.members = Math.max(1, members);
    this.baseline = this.members;
  }

  /** Whether this coordinator serves. */
  public synchronized boolean serving() {
    return state == State.SERVING;
  }

  /**
   * Whether the store may be used here: not in a minority, nor while merging (Hazelcast's
   * split-brain protection asks, see QuorumFunction). A merely paused member still belongs to the
   * cluster, whose operations on the partitions it owns must go on.
   */
  public synchronized boolean hasQuorum() {
    return state != State.MINORITY && state != State.MERGING;
  }

  /**
   * Whether {@code reachable} members (this one included) are a majority of the cluster this member
   * belongs to (always true below 3 members, as for the minority rule).
   */
  public synchronized boolean isMajority(int reachable) {
    return baseline < 3 || reachable >= baseline / 2 + 1;
  }

  /** The member count it last saw (for tests). */
  synchronized int members() {
    return members;
  }

  /** A member announced that it stops gracefully: its departure is no loss. */
  public void departing() {
    synchronized (this) {
      departing++;
    }
  }

  /** The member list changed; {@code size} includes this member. */
  public void membersChanged(int size) {
    List<Runnable> calls = new ArrayList<>();
    synchronized (this) {
      int n = Math.max(1, size);
      if (n >= baseline) {
        baseline = n;
        departing = 0;
      } else if (n < members) {
        int graceful = Math.min(departing, members - n);
        departing -= graceful;
        baseline = Math.max(n, baseline - graceful);
      }
      members = n;
      if (state == State.SERVING && inMinority()) {
        fence(State.MINORITY, minorityReason(), calls);
      }
      evaluate(calls);
    }
    calls.forEach(Runnable::run);
  }

  /** Hazelcast started merging this member into another cluster (it was in the smaller one). */
  public void merging() {
    List<Runnable> calls = new ArrayList<>();
    synchronized (this) {
      if (state == State.SERVING) {
        fence(State.MERGING, "merging into a larger cluster after a split", calls);
      } else {
        state = State.MERGING;
        sinceMillis = clock.millis();
      }
    }
    calls.forEach(Runnable::run);
  }

  /** Hazelcast merged this member into another cluster. */
  public void merged() {
    List<Runnable> calls = new ArrayList<>();
    synchronized (this) {
      merged = true;
      if (state == State.MERGING) {
        state = State.MINORITY; // until the member list shows the majority
        sinceMillis = clock.millis();
      }
      evaluate(calls);
    }
    calls.forEach(Runnable::run);
  }

  /** Called about every second: notices a pause of this process and ends fences that are over. */
  public void check() {
    List<Runnable> calls = new ArrayList<>();
    synchronized (this) {
      long now = clock.millis();
      long gap = lastCheckMillis < 0 ? 0 : now - lastCheckMillis;
      lastCheckMillis = now;
      if (gap > settings.memberTimeout().toMillis()) {
        if (state == State.SERVING) {
          fence(
              State.PAUSED,
              "this process was paused for "
                  + gap
                  + " ms, longer than the member timeout ("
                  + settings.memberTimeout().toMillis()
                  + " ms): the other coordinators have taken over its work",
              calls);
        } else if (state == State.PAUSED) {
          sinceMillis = now;
        }
      }
      evaluate(calls);
    }
    calls.forEach(Runnable::run);
  }

  @GuardedBy("this")
  private boolean inMinority() {
    return baseline >= 3 && members < baseline / 2 + 1;
  }

  @GuardedBy("this")
  private String minorityReason() {
    return "in a minority of its cluster: "
        + members
        + " of the "
        + baseline
        + " coordinators it last saw (a majority is "
        + (baseline / 2 + 1)
        + ")";
  }

  @GuardedBy("this")
  private void fence(State to, String reason, List<Runnable> calls) {
    state = to;
    sinceMillis = clock.millis();
    merged = false;
    log.warn("Not serving: {}; clients and workers go to another coordinator", reason);
    calls.add(() -> listener.fenced(reason));
  }

  @GuardedBy("this")
  private void evaluate(List<Runnable> calls) {
    long now = clock.millis();
    switch (state) {
      case SERVING, MERGING -> {
        // Serving needs no check; a merge is waited out (merged() moves on).
      }
      case PAUSED -> {
        if (inMinority()) {
          state = State.MINORITY;
          sinceMillis = now;
          log.warn("After the pause: {}", minorityReason());
        } else if (now - sinceMillis >= settings.pauseSettle().toMillis()
            && !settling.getAsBoolean()) {
          whole("still a member of its cluster after the pause (" + members + " member(s))", calls);
        }
      }
      case MINORITY -> {
        if (settling.getAsBoolean()) {
          // A member has just left: wait for the list to settle (the next check asks again).
        } else if (!inMinority()) {
          whole(
              (merged ? "merged back into its cluster" : "its cluster is whole again")
                  + " ("
                  + members
                  + " member(s))",
              calls);
        } else if (!merged && now - sinceMillis >= settings.quorumGrace().toMillis()) {
          log.warn(
              "No majority found in {} ms: the {} missing coordinator(s) are presumed dead and the"
                  + " {} remaining one(s) are the cluster now",
              now - sinceMillis,
              baseline - members,
              members);
          baseline = members;
          whole("the remaining members are the cluster (" + members + " member(s))", calls);
        }
      }
    }
  }

  @GuardedBy("this")
  private void whole(String why, List<Runnable> calls) {
    boolean rejoined = merged;
    state = State.SERVING;
    merged = false;
    log.info(
        "Serving again: {}{}", why, rejoined ? "; starting afresh (its tasks were adopted)" : "");
    calls.add(() -> listener.whole(rejoined));
  }
}

package io.taskgrid.coordinator.internal.cluster;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * Tells whether a member left within the last {@link #HOLD}, so that acknowledgements wait that
 * long after any loss. Hazelcast removes suspected members one at a time: a coordinator cut off
 * from both others of three still lists one of them for a few milliseconds after it removed the
 * first, so it counts a majority, while its writes to partitions whose backup was on the removed
 * member complete with no backup at all. Acknowledged then, such a result is one the majority's
 * store never held (it runs the task again). Waiting lets the second removal land first, and the
 * gate then refuses; a real loss of one member (the rest still a majority) only delays results by
 * the hold. Losses are noticed by comparing each member list with the previous one, so the first
 * look after a removal sees it, whoever looks. Decides by the injected clock; thread-safe.
 */
final class MemberLossGuard {
  /**
   * Far longer than the milliseconds between two removals of one suspicion round, and short enough
   * that a lost member delays acknowledgements barely more than its adoption does.
   */
  static final Duration HOLD = Duration.ofSeconds(1);

  private final Clock clock;
  private final long holdMillis;

  @GuardedBy("this")
  private Set<UUID> last = Set.of();

  @GuardedBy("this")
  private boolean lost;

  @GuardedBy("this")
  private long lostAtMillis;

  MemberLossGuard(Clock clock, Duration hold) {
    this.clock = clock;
    this.holdMillis = hold.toMillis();
  }

  /** Whether a member went missing, as of the last look, within the hold. */
  synchronized boolean holding() {
    return lost && clock.millis() - lostAtMillis < holdMillis;
  }

  /** Whether a member is missing from {@code members} that a previous look saw, within the hold. */
  synchronized boolean holding(Collection<UUID> members) {
    long now = clock.millis();
    if (!members.containsAll(last)) {
      lost = true;
      lostAtMillis = now;
    }
    if (last.size() != members.size() || !last.containsAll(members)) {
      last = Set.copyOf(members);
    }
    return lost && now - lostAtMillis < holdMillis;
  }
}

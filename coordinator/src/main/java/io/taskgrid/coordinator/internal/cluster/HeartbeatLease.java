package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.cluster.Member;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which members this one has heard from lately (Hazelcast's member heartbeats, every second). A
 * member stays in Hazelcast's member list for the whole member timeout after it fell silent; in a
 * split, each side keeps serving for that long, and what this side stores meanwhile never reaches
 * the other side's copies (the backups are lost with the link; the write completes anyway once the
 * silent member is removed). Counting only the members heard within {@link #window} (shorter than
 * the member timeout) lets a cut-off coordinator notice before any such write completes, so it
 * stops acknowledging and fences itself first. Decides by the injected clock; thread-safe.
 */
public final class HeartbeatLease {
  private final Clock clock;
  private final Duration window;
  private final ConcurrentHashMap<UUID, Long> lastHeard = new ConcurrentHashMap<>();

  public HeartbeatLease(Clock clock, Duration window) {
    this.clock = clock;
    this.window = window;
  }

  /**
   * The window for a member timeout: a quarter of it shorter, or one heartbeat interval (1 s) if
   * that is less, and at least 1 s. A write whose backup was lost completes at the earliest when
   * the silent member is removed, a member timeout after its last heartbeat (see HazelcastConfigs
   * for the backup timeout), so any window shorter than the member timeout keeps the
   * acknowledgement gate safe; the slack is for heartbeats that arrive late on a loaded machine
   * (they come every second, so a 1 s window for a 2 s member timeout would fence a healthy member
   * on any delay).
   */
  public static Duration windowFor(Duration memberTimeout) {
    Duration slack = memberTimeout.dividedBy(4);
    if (slack.compareTo(Duration.ofSeconds(1)) > 0) {
      slack = Duration.ofSeconds(1);
    }
    Duration w = memberTimeout.minus(slack);
    return w.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : w;
  }

  /** A heartbeat from {@code member} arrived. */
  public void heard(UUID member) {
    lastHeard.put(member, clock.millis());
  }

  /**
   * How many of {@code members} this member can count on: itself, and every other one heard within
   * the window. A member not heard from yet counts from the moment it is first asked about (it has
   * just joined).
   */
  public int reachable(Collection<Member> members) {
    List<UUID> others = new ArrayList<>(members.size());
    for (Member m : members) {
      if (!m.localMember()) {
        others.add(m.getUuid());
      }
    }
    return 1 + freshAmong(others);
  }

  /** How many of {@code others} (members other than this one) were heard within the window. */
  int freshAmong(Collection<UUID> others) {
    long now = clock.millis();
    int n = 0;
    for (UUID id : others) {
      long at = lastHeard.computeIfAbsent(id, k -> now);
      if (now - at <= window.toMillis()) {
        n++;
      }
    }
    if (lastHeard.size() > others.size()) {
      Set<UUID> present = new HashSet<>(others);
      lastHeard.keySet().retainAll(present); // members that left
    }
    return n;
  }
}

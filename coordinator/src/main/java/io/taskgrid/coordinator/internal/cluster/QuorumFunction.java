package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.splitbrainprotection.HeartbeatAware;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.util.Collection;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Hazelcast's split-brain protection of the store's maps, decided by this coordinator's {@link
 * MinorityWatch}: in a minority (or while merging) every map operation on this member fails with
 * SplitBrainProtectionException, so nothing stale is read or written here even by work already
 * under way. It asks the watch rather than counting members itself, so that a graceful stop and the
 * "presumed dead" grace count as the watch counts them. Heartbeat-aware only so that Hazelcast asks
 * it every heartbeat, not just on membership changes (the watch decides on its own timer), and to
 * pass the heartbeats on to the coordinator's {@link HeartbeatLease}.
 */
public final class QuorumFunction implements SplitBrainProtectionFunction, HeartbeatAware {
  /** The protection's name in the member configuration. */
  public static final String NAME = "taskgrid-quorum";

  private volatile BooleanSupplier quorum = () -> true;
  private volatile Consumer<UUID> heartbeats = uuid -> {};

  /** From now on asks {@code quorum} (until then: present). */
  public void attach(BooleanSupplier quorum) {
    this.quorum = quorum;
  }

  /**
   * From now on tells {@code heartbeats} of every member heartbeat received (see HeartbeatLease).
   */
  public void onHeartbeats(Consumer<UUID> heartbeats) {
    this.heartbeats = heartbeats;
  }

  @Override
  public boolean apply(Collection<Member> members) {
    return quorum.getAsBoolean();
  }

  @Override
  public void onHeartbeat(Member member, long timestamp) {
    heartbeats.accept(member.getUuid());
  }
}

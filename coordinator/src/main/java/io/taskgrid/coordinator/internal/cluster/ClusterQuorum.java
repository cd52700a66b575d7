package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.taskgrid.coordinator.internal.concurrent.NamedThreadFactory;
import io.taskgrid.coordinator.internal.metrics.MetricNames;
import io.taskgrid.coordinator.internal.sched.AcknowledgementGate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link MinorityWatch} from a Hazelcast member: membership changes, merges (lifecycle
 * MERGING/MERGED), graceful departures announced by the others, and a tick about every second
 * (pause detection; the member count is re-read on each tick, so a missed event costs a second).
 * Everything runs on one thread of its own, never on a Hazelcast thread, and so do the listener's
 * calls. Exports {@value MetricNames#SERVING} (1 serving, 0 fenced) and counts the fences.
 */
public final class ClusterQuorum implements MembershipListener, LifecycleListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterQuorum.class);

  /** Where a coordinator that stops gracefully announces it, before it leaves. */
  static final String DEPARTURES_TOPIC = "taskgrid-departures";

  private final HazelcastInstance hazelcast;
  private final MinorityWatch watch;
  private final ScheduledExecutorService thread;
  private final ITopic<String> departures;
  private final String localId;
  private final HeartbeatLease lease;
  private final MemberLossGuard lossGuard;
  private volatile Runnable onTick = () -> {};
  private UUID membershipRegistration = new UUID(0, 0);
  private UUID lifecycleRegistration = new UUID(0, 0);
  private UUID departuresRegistration = new UUID(0, 0);
  private volatile ScheduledFuture<?> tick;

  private ClusterQuorum(
      HazelcastInstance hazelcast,
      Clock clock,
      MinorityWatch.Settings settings,
      MinorityWatch.Listener listener,
      CollectorRegistry registry) {
    this.hazelcast = hazelcast;
    this.thread = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("quorum"));
    this.departures = hazelcast.getTopic(DEPARTURES_TOPIC);
    this.localId = hazelcast.getCluster().getLocalMember().getUuid().toString();
    this.lease = new HeartbeatLease(clock, HeartbeatLease.windowFor(settings.memberTimeout()));
    this.lossGuard = new MemberLossGuard(clock, MemberLossGuard.HOLD);
    Gauge serving =
        Gauge.build()
            .name(MetricNames.SERVING)
            .help(
                "1 while this coordinator serves; 0 while it is fenced off (in a minority of its"
                    + " cluster, or just resumed from a pause)")
            .register(registry);
    Counter fences =
        Counter.build()
            .name(MetricNames.FENCES)
            .help("Times this coordinator stopped serving (minority or pause)")
            .register(registry);
    serving.set(1);
    this.watch =
        new MinorityWatch(
            clock,
            settings,
            hazelcast.getCluster().getMembers().size(),
            new MinorityWatch.Listener() {
              @Override
              public void fenced(String reason) {
                serving.set(0);
                fences.inc();
                listener.fenced(reason);
              }

              @Override
              public void whole(boolean rejoined) {
                if (!rejoined) {
                  serving.set(1); // a rejoin serves once started afresh
                }
                listener.whole(rejoined);
              }
            },
            lossGuard::holding);
  }

  /** Starts watching; {@code listener} is called on the watch's own thread. */
  public static ClusterQuorum start(
      HazelcastInstance hazelcast,
      Clock clock,
      MinorityWatch.Settings settings,
      MinorityWatch.Listener listener,
      CollectorRegistry registry) {
    ClusterQuorum q = new ClusterQuorum(hazelcast, clock, settings, listener, registry);
    q.membershipRegistration = hazelcast.getCluster().addMembershipListener(q);
    q.lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(q);
    q.departuresRegistration = q.departures.addMessageListener(q::departure);
    long every = tickInterval(settings.memberTimeout()).toMillis();
    q.tick = q.thread.scheduleWithFixedDelay(q::onTick, every, every, TimeUnit.MILLISECONDS);
    return q;
  }

  /** A heartbeat from another member arrived (see QuorumFunction#onHeartbeats). */
  public void heard(UUID member) {
    lease.heard(member);
  }

  /**
   * Whether results stored here may be acknowledged to their watchers now. REFUSE unless this
   * coordinator serves and heard from a majority of its cluster within the heartbeat lease: a store
   * write whose backup was lost in a split completes only after the lease lapsed, so it is never
   * acknowledged (it is not in the other side's store, which will run the task again); the tick
   * then fences this coordinator, and the clients re-attach to the other side for the outcome that
   * stands. HOLD for a moment after any member left (see MemberLossGuard): Hazelcast removes the
   * members of one split one at a time, and in between this side can count a majority it no longer
   * has. Held results are asked about again on every tick ({@link #onTick}).
   */
  public AcknowledgementGate.Verdict acknowledgement() {
    Set<Member> members = hazelcast.getCluster().getMembers();
    boolean holding = lossGuard.holding(uuids(members));
    if (!watch.serving() || !watch.isMajority(lease.reachable(members))) {
      return AcknowledgementGate.Verdict.REFUSE;
    }
    return holding ? AcknowledgementGate.Verdict.HOLD : AcknowledgementGate.Verdict.ACKNOWLEDGE;
  }

  /** Runs {@code r} on the watch's thread after each tick (to release held results). */
  public void onTick(Runnable r) {
    this.onTick = r;
  }

  private static List<UUID> uuids(Set<Member> members) {
    List<UUID> ids = new ArrayList<>(members.size());
    for (Member m : members) {
      ids.add(m.getUuid());
    }
    return ids;
  }

  /** The watch (whether this coordinator serves; the store's quorum). */
  public MinorityWatch watch() {
    return watch;
  }

  /**
   * Tells the other coordinators that this one stops gracefully, so that its departure does not
   * count as a loss (call before the member shuts down).
   */
  public void announceDeparture() {
    try {
      departures.publish(localId);
    } catch (RuntimeException e) {
      log.debug("Could not announce the departure", e);
    }
  }

  private void onTick() {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    // Members not heard from within the lease count as gone already (see HeartbeatLease).
    Set<Member> members = hazelcast.getCluster().getMembers();
    // A loss holds acknowledgements, and serving again, from the first look on.
    lossGuard.holding(uuids(members));
    watch.check();
    watch.membersChanged(lease.reachable(members));
    try {
      onTick.run();
    } catch (RuntimeException e) {
      log.warn("A quorum tick's follow-up failed", e);
    }
  }

  private void departure(Message<String> m) {
    if (!localId.equals(m.getMessageObject())) {
      post(watch::departing);
    }
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    post(() -> membersChanged(event.getMembers()));
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    post(() -> membersChanged(event.getMembers()));
  }

  private void membersChanged(Set<Member> members) {
    lossGuard.holding(uuids(members)); // a loss holds acknowledgements and serving again
    watch.membersChanged(lease.reachable(members));
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    switch (event.getState()) {
      case MERGING -> post(watch::merging);
      case MERGED -> post(watch::merged);
      default -> {
        // Starting, shutting down and client states change nothing here.
      }
    }
  }

  private void post(Runnable r) {
    try {
      thread.execute(r);
    } catch (RejectedExecutionException e) {
      // Closed: the coordinator is stopping.
    }
  }

  /** Stops watching (before the coordinator stops). */
  @Override
  public void close() {
    if (tick != null) {
      tick.cancel(false);
    }
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (hazelcast.getLifecycleService().isRunning()) {
      try {
        hazelcast.getCluster().removeMembershipListener(membershipRegistration);
        hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        departures.removeMessageListener(departuresRegistration);
      } catch (RuntimeException e) {
        log.debug("Could not remove the quorum listeners", e);
      }
    }
  }

  /** How often the watch checks: a few times per member timeout, at most every second. */
  static Duration tickInterval(Duration memberTimeout) {
    return Duration.ofMillis(Math.max(100, Math.min(1_000, memberTimeout.toMillis() / 4)));
  }
}

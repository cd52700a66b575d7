package io.taskgrid.coordinator.internal.store;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check that every coordinator of a cluster runs one {@link StoreFormat}: two formats in one
 * cluster would look for a task's finished record in different partitions, and a resubmitted task
 * could run again or a finished one answer NOT_FOUND. A coordinator tells its format by a member
 * attribute, set before it joins (see {@link HazelcastTaskStore#configure}); one that finds a
 * member of another format refuses to start.
 */
final class StoreFormats {
  private static final Logger log = LoggerFactory.getLogger(StoreFormats.class);

  private StoreFormats() {}

  /**
   * The format the member's configuration names (set by {@link HazelcastTaskStore#configure}; else
   * IllegalArgumentException, a configuration error).
   */
  static StoreFormat configured(HazelcastInstance hazelcast) {
    String attribute =
        hazelcast.getConfig().getMemberAttributeConfig().getAttribute(StoreFormat.MEMBER_ATTRIBUTE);
    StoreFormat own = attribute == null ? null : StoreFormat.ofAttribute(attribute);
    if (own == null) {
      throw new IllegalArgumentException(
          "the member's configuration lacks HazelcastTaskStore.configure(config): it names no"
              + " store format");
    }
    return own;
  }

  /**
   * Checks that every member of the cluster runs {@code own}, else IllegalStateException naming the
   * member, both formats and what to do.
   */
  static void checkCluster(HazelcastInstance hazelcast, StoreFormat own) {
    for (Member other : hazelcast.getCluster().getMembers()) {
      String problem = problem(own, other);
      if (problem != null) {
        throw new IllegalStateException(problem);
      }
    }
  }

  /**
   * Logs an error for each member that joins later without naming a format: it runs a release from
   * before formats were named, which cannot check the cluster and refuse itself. (A member that
   * names one checks and refuses itself.) Returns the listener's registration.
   */
  static UUID watchJoiners(HazelcastInstance hazelcast, StoreFormat own) {
    return hazelcast
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                Member joined = event.getMember();
                String problem = problem(own, joined);
                if (problem != null && joined.getAttribute(StoreFormat.MEMBER_ATTRIBUTE) == null) {
                  log.error(
                      "{}. That member predates the check and serves anyway: stop it; until then"
                          + " a task it ends or reads may be answered or run twice",
                      problem);
                }
              }

              @Override
              public void memberRemoved(MembershipEvent event) {}
            });
  }

  /** Why {@code other} cannot share a cluster with a member of {@code own}, or null. */
  static @Nullable String problem(StoreFormat own, Member other) {
    String attribute = other.getAttribute(StoreFormat.MEMBER_ATTRIBUTE);
    StoreFormat theirs = StoreFormat.ofAttribute(attribute);
    if (theirs == own) {
      return null;
    }
    String theirName =
        theirs == null
            ? "store format " + attribute + " (a later release)"
            : "store format "
                + theirs.number()
                + (attribute == null ? " (a release before store formats were named)" : "");
    return "this coordinator runs store format "
        + own.number()
        + " and cluster member "
        + other.getAddress()
        + " runs "
        + theirName
        + ": every coordinator of a cluster must run the same format. To join this cluster, start"
        + " this coordinator with --store-format "
        + (theirs == null ? "<its format>" : theirs.number())
        + " (format 2 runs with a --retained-max of at least "
        + HazelcastTaskStore.MIN_RECORDS_BY_CHUNK
        + " or with --retained-max-mb; with a smaller budget a coordinator runs format 1). To"
        + " change a cluster's format, stop all of its coordinators and start them again"
        + " (docs/STORE-BATCHES.md, \"Store formats and upgrades\")";
  }
}

package io.taskgrid.coordinator.internal.sched;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The permits as a leaving coordinator uses them: once {@link #freeze() frozen}, exchanges are
 * never sent and never answered. When a coordinator stops, its worker streams end before it leaves
 * the cluster, and its pools would give back the permits of tasks that still run on those workers
 * (the member that adopts the tasks keeps their leases). Frozen, the permits stay under this
 * coordinator's id until the adopter inherits them with the tasks. Thread-safe.
 */
final class FreezablePermits implements TypePermits {
  private final TypePermits permits;
  private volatile boolean frozen;

  FreezablePermits(TypePermits permits) {
    this.permits = permits;
  }

  void freeze() {
    frozen = true;
  }

  @Override
  public CompletionStage<PermitGrant> exchange(
      String type, String owner, int giveBack, int wanted, int limit) {
    if (frozen) {
      // Left pending on purpose: the pool makes no further call for the type.
      return new CompletableFuture<>();
    }
    return permits.exchange(type, owner, giveBack, wanted, limit);
  }

  @Override
  public CompletionStage<Map<String, Integer>> inheritOrphans(Set<String> liveOwners, String heir) {
    return permits.inheritOrphans(liveOwners, heir);
  }
}

package io.taskgrid.coordinator.internal.sched;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The permits of a coordinator that is alone (or of coordinators sharing one JVM in tests): one
 * {@link PermitLedger} per type under this object's lock. Calls complete before they return.
 */
public final class InMemoryTypePermits implements TypePermits {
  private final Map<String, PermitLedger> ledgers = new HashMap<>();

  @Override
  public synchronized CompletionStage<PermitGrant> exchange(
      String type, String owner, int giveBack, int wanted, int limit) {
    PermitLedger ledger = ledgers.computeIfAbsent(type, k -> new PermitLedger());
    PermitGrant grant = ledger.exchange(owner, giveBack, wanted, limit);
    if (ledger.isEmpty()) {
      ledgers.remove(type);
    }
    return CompletableFuture.completedFuture(grant);
  }

  @Override
  public synchronized CompletionStage<Map<String, Integer>> inheritOrphans(
      Set<String> liveOwners, String heir) {
    Map<String, Integer> moved = new HashMap<>();
    ledgers.forEach(
        (type, ledger) -> {
          int n = ledger.inheritOrphans(liveOwners, heir);
          if (n > 0) {
            moved.put(type, n);
          }
        });
    return CompletableFuture.completedFuture(moved);
  }

  /** The permits an owner holds for a type (for tests and diagnostics). */
  public synchronized int held(String type, String owner) {
    PermitLedger ledger = ledgers.get(type);
    return ledger == null ? 0 : ledger.held(owner);
  }

  /** The permits of a type held by all owners together (for tests and diagnostics). */
  public synchronized int total(String type) {
    PermitLedger ledger = ledgers.get(type);
    return ledger == null ? 0 : ledger.total();
  }
}

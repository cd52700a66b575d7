package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.taskgrid.coordinator.internal.sched.PermitGrant;
import io.taskgrid.coordinator.internal.sched.TypePermits;
import io.taskgrid.coordinator.internal.store.SplitBrainProtections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@link TypePermits} shared by the coordinators of a Hazelcast cluster: one entry per limited type
 * in an {@code IMap<String, byte[]>}, holding a {@link
 * io.taskgrid.coordinator.internal.sched.PermitLedger} that only entry processors change, so each
 * change is atomic and the holdings of a type never add up to more than its limit. Like the task
 * store, every call is issued from the given executor and its stage completes there: neither the
 * schedulers' threads nor Hazelcast's run our continuations. Thread-safe.
 */
public final class HazelcastTypePermits implements TypePermits {
  /** The map holding the permit ledgers, by task type. */
  public static final String PERMITS_MAP = "taskgrid-type-permits";

  private final IMap<String, byte[]> ledgers;
  private final Executor executor;

  public HazelcastTypePermits(HazelcastInstance hazelcast, Executor executor) {
    SplitBrainProtections.awaitFirstEvaluation(hazelcast);
    this.ledgers = hazelcast.getMap(PERMITS_MAP);
    this.executor = executor;
  }

  @Override
  public CompletionStage<PermitGrant> exchange(
      String type, String owner, int giveBack, int wanted, int limit) {
    return CompletableFuture.supplyAsync(
            () ->
                ledgers.submitToKey(
                    type, new ExchangePermitsProcessor(owner, giveBack, wanted, limit)),
            executor)
        .thenCompose(call -> call)
        .thenApplyAsync(r -> new PermitGrant(r[0], r[1] != 0), executor);
  }

  @Override
  public CompletionStage<Map<String, Integer>> inheritOrphans(Set<String> liveOwners, String heir) {
    // A scan of every partition: rare (a coordinator left), so it may block an executor thread,
    // like the adoption scan of the task records.
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, Integer> moved = new HashMap<>();
          ledgers
              .executeOnEntries(new InheritPermitsProcessor(liveOwners, heir))
              .forEach(
                  (type, n) -> {
                    if (n != null && n > 0) {
                      moved.put(type, n);
                    }
                  });
          return moved;
        },
        executor);
  }
}

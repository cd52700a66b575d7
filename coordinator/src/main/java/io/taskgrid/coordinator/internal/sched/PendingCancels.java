package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.CancelOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Cancels for tasks that are not live on this coordinator yet: a cancel can overtake its task's
 * registration (the client may send it before the ack, or on another stream while the task is still
 * being stored). The cancel is held here and applied by {@link Scheduler} when the task registers
 * (or is adopted); an entry whose task never shows up expires after {@link #TTL} and is then
 * answered from the store ({@code ALREADY_FINISHED} if the record has an outcome, else {@code
 * NOT_FOUND}).
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} ids are held; beyond that a cancel for an unknown id is
 * answered at once (from the store), as before this class existed. Thread-safe (a concurrent map):
 * entries are added on store threads and taken on whichever thread registers the task.
 */
final class PendingCancels {
  /**
   * How long a cancel waits for its task. A submit is registered as soon as the store has written
   * it (milliseconds), and the SDK resends an unacknowledged submit within its reconnect backoff
   * (at most 5 s): 10 s covers both without letting stray ids pile up.
   */
  static final Duration TTL = Duration.ofSeconds(10);

  /** Bound on held ids, so that cancels of made-up ids cannot exhaust the heap. */
  static final int MAX_ENTRIES = 100_000;

  /** The cancels held for one id: the strongest force asked for, and every caller waiting. */
  static final class Entry {
    final long expiresAtMillis;

    /** The tenant of the callers holding it (null: an admin); one tenant per entry. */
    final @Nullable String tenant;

    boolean force;
    final List<CompletableFuture<CancelOutcome.Result>> waiters = new ArrayList<>(1);

    Entry(long expiresAtMillis, @Nullable String tenant) {
      this.expiresAtMillis = expiresAtMillis;
      this.tenant = tenant;
    }
  }

  private final Map<String, Entry> byId = new ConcurrentHashMap<>();

  /**
   * Holds a cancel for {@code id} until {@link #take} or {@link #expire}.
   *
   * @param tenant the caller's tenant (null: an admin, who may cancel any task); the cancel applies
   *     only to a task of that tenant
   * @return false if the bound is reached, or another tenant holds a cancel for this id (nothing
   *     was held)
   */
  boolean hold(
      String id,
      boolean force,
      @Nullable String tenant,
      CompletableFuture<CancelOutcome.Result> waiter,
      long nowMillis) {
    if (byId.size() >= MAX_ENTRIES && !byId.containsKey(id)) {
      return false;
    }
    boolean[] held = {false};
    byId.compute(
        id,
        (k, e) -> {
          Entry entry = e == null ? new Entry(nowMillis + TTL.toMillis(), tenant) : e;
          if (!Objects.equals(entry.tenant, tenant)) {
            return entry;
          }
          entry.force |= force;
          entry.waiters.add(waiter);
          held[0] = true;
          return entry;
        });
    return held[0];
  }

  /** Removes and returns the cancels held for {@code id}, if any (only one caller gets them). */
  @Nullable Entry take(String id) {
    return byId.isEmpty() ? null : byId.remove(id);
  }

  /** Removes and returns the ids whose entries have expired, with their entries. */
  Map<String, Entry> expire(long nowMillis) {
    if (byId.isEmpty()) {
      return Map.of();
    }
    Map<String, Entry> expired = new java.util.HashMap<>();
    for (Map.Entry<String, Entry> e : byId.entrySet()) {
      if (e.getValue().expiresAtMillis <= nowMillis && byId.remove(e.getKey(), e.getValue())) {
        expired.put(e.getKey(), e.getValue());
      }
    }
    return expired;
  }

  int size() {
    return byId.size();
  }
}

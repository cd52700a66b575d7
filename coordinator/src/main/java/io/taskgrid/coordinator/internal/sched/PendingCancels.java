package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.CancelOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Cancels for tasks that are not live on this coordinator yet: a cancel can overtake its task's
 * registration (the client may send it before the ack, or on another stream while the task is still
 * being stored). The cancel is held here and applied by {@link Scheduler} when the task registers
 * (or is adopted); an entry whose task never shows up expires after {@link Limits#holdTime()} and
 * is then answered from the store ({@code ALREADY_FINISHED} if the record has an outcome, else
 * {@code NOT_FOUND}).
 *
 * <p>Bounded per tenant: at most {@link Limits#maxPerTenant()} ids are held for one tenant (admins
 * count as one more tenant); beyond that a cancel for an unknown id is answered at once (from the
 * store), as before this class existed, so one tenant's cancels of made-up ids neither exhaust the
 * heap nor take the room of another tenant's real ones. Thread-safe (concurrent maps): entries are
 * added on store threads and taken on whichever thread registers the task.
 */
public final class PendingCancels {
  /**
   * The limits (coordinator settings {@code --max-held-cancels-per-tenant} and {@code
   * --held-cancel-ms}).
   *
   * @param maxPerTenant most ids held for one tenant at a time
   * @param holdTime how long a cancel waits for its task
   */
  public record Limits(int maxPerTenant, Duration holdTime) {
    /**
     * A submit is registered as soon as the store has written it (milliseconds), and the SDK
     * resends an unacknowledged submit within its reconnect backoff (at most 5 s): 10 s covers both
     * without letting stray ids pile up.
     */
    public static final Duration DEFAULT_HOLD_TIME = Duration.ofSeconds(10);

    /** 100,000 ids of about 100 bytes each: ~10 MB per tenant at most. */
    public static final int DEFAULT_MAX_PER_TENANT = 100_000;

    public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_PER_TENANT, DEFAULT_HOLD_TIME);

    public Limits {
      if (maxPerTenant < 0) {
        throw new IllegalArgumentException("maxPerTenant must be >= 0, was " + maxPerTenant);
      }
      Objects.requireNonNull(holdTime, "holdTime");
      if (holdTime.isNegative()) {
        throw new IllegalArgumentException("holdTime must be >= 0, was " + holdTime);
      }
    }
  }

  /** The default hold time ({@link Limits#DEFAULT_HOLD_TIME}). */
  static final Duration TTL = Limits.DEFAULT_HOLD_TIME;

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

  /** The key under which an admin's held cancels are counted (no tenant name is empty). */
  private static final String ADMIN = "";

  private final Limits limits;
  private final Map<String, Entry> byId = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();

  PendingCancels() {
    this(Limits.DEFAULTS);
  }

  PendingCancels(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  Limits limits() {
    return limits;
  }

  /**
   * Holds a cancel for {@code id} until {@link #take} or {@link #expire}.
   *
   * @param tenant the caller's tenant (null: an admin, who may cancel any task); the cancel applies
   *     only to a task of that tenant
   * @return false if the tenant's bound is reached, or another tenant holds a cancel for this id
   *     (nothing was held)
   */
  boolean hold(
      String id,
      boolean force,
      @Nullable String tenant,
      CompletableFuture<CancelOutcome.Result> waiter,
      long nowMillis) {
    AtomicInteger count = perTenant.computeIfAbsent(key(tenant), k -> new AtomicInteger());
    // A place within the tenant's bound is reserved before a new entry is made, and given back if
    // none was made: another cancel of the same id joins its entry without counting again.
    boolean reserved = count.incrementAndGet() <= limits.maxPerTenant();
    if (!reserved) {
      count.decrementAndGet();
    }
    boolean[] held = {false};
    boolean[] created = {false};
    byId.compute(
        id,
        (k, e) -> {
          Entry entry = e;
          if (entry == null) {
            if (!reserved) {
              return null;
            }
            entry = new Entry(nowMillis + limits.holdTime().toMillis(), tenant);
            created[0] = true;
          } else if (!Objects.equals(entry.tenant, tenant)) {
            return entry;
          }
          entry.force |= force;
          entry.waiters.add(waiter);
          held[0] = true;
          return entry;
        });
    if (reserved && !created[0]) {
      count.decrementAndGet();
    }
    return held[0];
  }

  private static String key(@Nullable String tenant) {
    return tenant == null ? ADMIN : tenant;
  }

  private void released(Entry e) {
    AtomicInteger count = perTenant.get(key(e.tenant));
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** How many ids are held for {@code tenant} (null: admins). */
  int heldFor(@Nullable String tenant) {
    AtomicInteger count = perTenant.get(key(tenant));
    return count == null ? 0 : count.get();
  }

  /** Removes and returns the cancels held for {@code id}, if any (only one caller gets them). */
  @Nullable Entry take(String id) {
    Entry e = byId.isEmpty() ? null : byId.remove(id);
    if (e != null) {
      released(e);
    }
    return e;
  }

  /** Removes and returns the ids whose entries have expired, with their entries. */
  Map<String, Entry> expire(long nowMillis) {
    if (byId.isEmpty()) {
      return Map.of();
    }
    Map<String, Entry> expired = new java.util.HashMap<>();
    for (Map.Entry<String, Entry> e : byId.entrySet()) {
      if (e.getValue().expiresAtMillis <= nowMillis && byId.remove(e.getKey(), e.getValue())) {
        released(e.getValue());
        expired.put(e.getKey(), e.getValue());
      }
    }
    return expired;
  }

  int size() {
    return byId.size();
  }
}

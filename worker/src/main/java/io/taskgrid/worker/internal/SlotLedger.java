package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.Pool;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds the slots of the worker's pools: running tasks and credits granted to each coordinator
 * connection. The invariant is {@code running + granted <= capacity} per pool, so the coordinators
 * together can never assign more than a pool can run.
 *
 * <p>Live, non-draining connections share each pool equally; a freed slot goes to the connection
 * furthest below its share. Credits are first "unsent" (granted here, not yet on the wire) and are
 * taken by the connection when it writes them, so that a reconnect can forget exactly what the old
 * stream held. Thread-safe: every method holds the ledger's lock briefly and calls nothing outside
 * this class.
 *
 * @param <K> the connection type
 */
public final class SlotLedger<K> {
  private final Map<Pool, Integer> capacity;
  private final Map<Pool, Integer> running = new EnumMap<>(Pool.class);
  private final Map<K, Holder> holders = new LinkedHashMap<>();
  private boolean stopped;

  /** A ledger of pools with the given capacities (a pool with capacity 0 is not offered). */
  public SlotLedger(Map<Pool, Integer> capacity) {
    this.capacity = new EnumMap<>(capacity);
    capacity.keySet().forEach(p -> running.put(p, 0));
  }

  /** A connection's stream is up: it may receive credits. */
  public synchronized void connected(K connection) {
    Holder h = holder(connection);
    h.live = true;
    h.draining = false;
    h.granted.clear();
    h.unsent.clear();
    redistributeAll();
  }

  /** A connection's stream failed: the credits it held are gone with it. */
  public synchronized void disconnected(K connection) {
    Holder h = holder(connection);
    h.live = false;
    h.granted.clear();
    h.unsent.clear();
    redistributeAll();
  }

  /** The coordinator asked a connection to take no new work: no more credits go to it. */
  public synchronized void drained(K connection) {
    Holder h = holder(connection);
    h.draining = true;
    redistributeAll();
  }

  /** The worker is stopping: no connection gets credits any more, including one that reconnects. */
  public synchronized void stopGranting() {
    stopped = true;
  }

  /**
   * Uses one of the connection's credits for an assignment.
   *
   * @return false if the connection held no credit in that pool (a coordinator bug)
   */
  public synchronized boolean acquire(K connection, Pool pool) {
    Holder h = holder(connection);
    int granted = h.granted.getOrDefault(pool, 0);
    if (granted <= 0 || !capacity.containsKey(pool)) {
      return false;
    }
    h.granted.put(pool, granted - 1);
    h.running.merge(pool, 1, Integer::sum);
    running.merge(pool, 1, Integer::sum);
    return true;
  }

  /** A task acquired by {@code connection} ended: its slot is free again. */
  public synchronized void release(K connection, Pool pool) {
    Holder h = holder(connection);
    h.running.merge(pool, -1, Integer::sum);
    running.merge(pool, -1, Integer::sum);
    redistribute(pool);
  }

  /** Takes the credits granted to a connection and not yet sent, per pool (non-zero only). */
  public synchronized Map<Pool, Integer> takeUnsent(K connection) {
    Holder h = holder(connection);
    Map<Pool, Integer> out = new EnumMap<>(Pool.class);
    h.unsent.forEach(
        (pool, n) -> {
          if (n > 0) {
            out.put(pool, n);
          }
        });
    h.unsent.clear();
    return out;
  }

  /** Credits granted to a connection (sent or not) and not used yet. */
  public synchronized int granted(K connection, Pool pool) {
    return holder(connection).granted.getOrDefault(pool, 0);
  }

  /** Tasks running in a pool. */
  public synchronized int running(Pool pool) {
    return running.getOrDefault(pool, 0);
  }

  private Holder holder(K connection) {
    return holders.computeIfAbsent(connection, k -> new Holder());
  }

  private void redistributeAll() {
    for (Pool pool : capacity.keySet()) {
      redistribute(pool);
    }
  }

  private void redistribute(Pool pool) {
    if (stopped) {
      return;
    }
    List<Holder> eligible = new ArrayList<>();
    int used = running.getOrDefault(pool, 0);
    for (Holder h : holders.values()) {
      used += h.granted.getOrDefault(pool, 0);
      if (h.live && !h.draining) {
        eligible.add(h);
      }
    }
    int cap = capacity.get(pool);
    int free = cap - used;
    if (free <= 0 || eligible.isEmpty()) {
      return;
    }
    int n = eligible.size();
    for (int i = 0; i < n && free > 0; i++) {
      Holder h = eligible.get(i);
      int share = cap / n + (i < cap % n ? 1 : 0);
      int holding = h.granted.getOrDefault(pool, 0) + h.running.getOrDefault(pool, 0);
      int give = Math.min(free, share - holding);
      if (give > 0) {
        h.grant(pool, give);
        free -= give;
      }
    }
    // Slots left over (held by tasks of connections that went away) go to the first taker.
    if (free > 0) {
      eligible.get(0).grant(pool, free);
    }
  }

  private static final class Holder {
    boolean live;
    boolean draining;
    final Map<Pool, Integer> granted = new EnumMap<>(Pool.class);
    final Map<Pool, Integer> unsent = new EnumMap<>(Pool.class);
    final Map<Pool, Integer> running = new EnumMap<>(Pool.class);

    void grant(Pool pool, int n) {
      granted.merge(pool, n, Integer::sum);
      unsent.merge(pool, n, Integer::sum);
    }
  }
}

package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.Pool;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who holds the slots of the worker's pools: running tasks and credits granted to each coordinator
 * connection. The invariant is {@code running + granted <= capacity} per pool, so the coordinators
 * together can never assign more than a pool can run.
 *
 * <p>Live, non-draining connections share each pool equally; a freed slot goes to the connection
 * furthest below its share. When some coordinators say they have work waiting ({@link #demand}),
 * free slots go to those only, and credits held by coordinators with nothing waiting are recalled
 * (the coordinator gives them back if they are still idle when the recall arrives): a worker with
 * one CPU slot and three coordinators must serve the one that has CPU work, for instance the one
 * that adopted a dead coordinator's tasks. When fewer slots than coordinators are shared, who gets
 * the odd slots rotates, so no coordinator waits forever behind another.
 *
 * <p>Credits are first "unsent" (granted here, not yet on the wire) and are taken by the connection
 * when it writes them, so that a reconnect can forget exactly what the old stream held. Recalls
 * work the same way. Thread-safe: every method holds the ledger's lock briefly and calls nothing
 * outside this class.
 *
 * @param <K> the connection type
 */
public final class SlotLedger<K> {
  private final Map<Pool, Integer> capacity;
  private final Map<Pool, Integer> running = new EnumMap<>(Pool.class);
  private final Map<K, Holder> holders = new LinkedHashMap<>();
  private final Map<Pool, Integer> rotation = new EnumMap<>(Pool.class);
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
    h.clearStreamState();
    redistributeAll();
  }

  /** A connection's stream failed: the credits it held are gone with it. */
  public synchronized void disconnected(K connection) {
    Holder h = holder(connection);
    h.live = false;
    h.clearStreamState();
    redistributeAll();
  }

  /**
   * A coordinator said whether it has work waiting in a pool ({@code queued > 0}) and gave back
   * {@code returned} of the credits it held; those slots are free again.
   */
  public synchronized void demand(K connection, Pool pool, long queued, int returned) {
    Holder h = holder(connection);
    if (!h.live || !capacity.containsKey(pool)) {
      return;
    }
    if (returned > 0) {
      h.granted.merge(pool, -Math.min(returned, h.granted.getOrDefault(pool, 0)), Integer::sum);
    }
    // Every demand message answers the recalls sent before it (a coordinator answers each recall,
    // with what it could give): credits it kept may be asked for again.
    h.recalling.remove(pool);
    if (queued > 0) {
      h.idle.remove(pool);
      h.wanting.add(pool);
    } else {
      h.wanting.remove(pool);
      h.idle.add(pool);
    }
    redistribute(pool);
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

  /** Takes the recalls decided for a connection and not yet sent, per pool (non-zero only). */
  public synchronized Map<Pool, Integer> takeRecalls(K connection) {
    Holder h = holder(connection);
    Map<Pool, Integer> out = new EnumMap<>(h.unsentRecalls);
    h.unsentRecalls.clear();
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
    List<Holder> wanting = new ArrayList<>();
    int used = running.getOrDefault(pool, 0);
    for (Holder h : holders.values()) {
      used += h.granted.getOrDefault(pool, 0);
      if (h.live && !h.draining) {
        eligible.add(h);
        if (h.wanting.contains(pool)) {
          wanting.add(h);
        }
      }
    }
    // Slots go where work waits; when no coordinator says so, every live one gets its share.
    List<Holder> targets = wanting.isEmpty() ? eligible : wanting;
    int cap = capacity.get(pool);
    int free = cap - used;
    if (free > 0 && !targets.isEmpty()) {
      int n = targets.size();
      int start = rotation.getOrDefault(pool, 0) % n;
      for (int k = 0; k < n && free > 0; k++) {
        Holder h = targets.get((start + k) % n);
        int share = cap / n + (k < cap % n ? 1 : 0);
        int holding = h.granted.getOrDefault(pool, 0) + h.running.getOrDefault(pool, 0);
        int give = Math.min(free, share - holding);
        if (give > 0) {
          h.grant(pool, give);
          free -= give;
        }
      }
      // Slots left over (held by tasks of connections that went away) go to the first taker.
      if (free > 0) {
        targets.get(start).grant(pool, free);
      }
      // The odd slots (cap % n) go to the next ones next time.
      rotation.put(pool, start + 1);
    }
    if (!wanting.isEmpty()) {
      recallIdleCredits(pool, eligible);
    }
  }

  /** Asks coordinators with nothing waiting for the credits they hold and have not been asked. */
  private static void recallIdleCredits(Pool pool, List<Holder> eligible) {
    for (Holder h : eligible) {
      if (!h.idle.contains(pool)) {
        continue;
      }
      int ask = h.granted.getOrDefault(pool, 0) - h.recalling.getOrDefault(pool, 0);
      if (ask > 0) {
        h.recalling.merge(pool, ask, Integer::sum);
        h.unsentRecalls.merge(pool, ask, Integer::sum);
      }
    }
  }

  private static final class Holder {
    boolean live;
    boolean draining;
    final Map<Pool, Integer> granted = new EnumMap<>(Pool.class);
    final Map<Pool, Integer> unsent = new EnumMap<>(Pool.class);
    final Map<Pool, Integer> running = new EnumMap<>(Pool.class);
    // Pools in which the coordinator said it has work waiting, or nothing waiting. One that has
    // said neither (yet) shares slots as before demand existed and is never asked for credits.
    final Set<Pool> wanting = EnumSet.noneOf(Pool.class);
    final Set<Pool> idle = EnumSet.noneOf(Pool.class);
    // Credits asked back and not returned yet; recalls not yet on the wire.
    final Map<Pool, Integer> recalling = new EnumMap<>(Pool.class);
    final Map<Pool, Integer> unsentRecalls = new EnumMap<>(Pool.class);

    /** What belonged to a stream that is gone: a new stream starts from nothing. */
    void clearStreamState() {
      granted.clear();
      unsent.clear();
      wanting.clear();
      idle.clear();
      recalling.clear();
      unsentRecalls.clear();
    }

    void grant(Pool pool, int n) {
      granted.merge(pool, n, Integer::sum);
      unsent.merge(pool, n, Integer::sum);
    }
  }
}

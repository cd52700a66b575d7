package io.taskgrid.coordinator.internal.store;

import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import io.taskgrid.coordinator.internal.store.FinishedRetentionProcessor.Size;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The retention of the finished chunks (store format 4), which Hazelcast's own eviction cannot
 * give: it counts entries per partition, and a chunk of up to 64 records is one entry, so a budget
 * of 1,000 records (16 chunks, fewer than one per partition) would evict each chunk as it is
 * written. Instead each coordinator sweeps the chunks it owns (its primary partitions) every {@link
 * #INTERVAL}: it reads each chunk's size and expiry, drops the records past their result TTL, and
 * evicts whole chunks, the one whose last record to expire expires first (the oldest), until what
 * it holds (with the finished records of their own in the results map, which Hazelcast bounds) is
 * within the budget ({@link #plan}). Between two sweeps a coordinator can hold more than its budget
 * by what ends in one interval.
 *
 * <p>Not thread-safe: one sweep at a time, on the store's retention thread (or a test's).
 */
final class FinishedRetention {
  /** How often each coordinator sweeps the finished chunks it owns. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  /**
   * What to trim, per chunk key (drop the records that expire at or before the moment), and what is
   * held after.
   */
  record Plan(Map<String, Long> trims, Retained after) {}

  private final IMap<String, FinishedChunk> chunks;
  private final IMap<String, byte[]> perTask;
  private final long maxRecords;
  private final long maxBytes;
  private final Clock clock;

  /**
   * {@code maxRecords}, {@code maxBytes}: the budget of one coordinator ({@link Long#MAX_VALUE}:
   * none), shared with the finished records of their own in {@code perTask}.
   */
  FinishedRetention(
      IMap<String, FinishedChunk> chunks,
      IMap<String, byte[]> perTask,
      long maxRecords,
      long maxBytes,
      Clock clock) {
    this.chunks = chunks;
    this.perTask = perTask;
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /**
   * One sweep of the chunks this coordinator owns; returns what they hold after it. Blocks on
   * Hazelcast: two operations per partition this coordinator owns, and only the first when nothing
   * is to go.
   */
  Retained sweep() {
    long now = clock.millis();
    Set<String> keys = chunks.localKeySet();
    Map<String, Size> sizes = new HashMap<>(Math.max(16, keys.size() * 2));
    if (!keys.isEmpty()) {
      chunks
          .executeOnKeys(keys, FinishedRetentionProcessor.sizes())
          .forEach(
              (key, packed) -> {
                if (packed != null) {
                  sizes.put(key, FinishedRetentionProcessor.size(packed));
                }
              });
    }
    LocalMapStats own = perTask.getLocalMapStats();
    Plan plan =
        plan(
            sizes,
            now,
            room(maxRecords, own.getOwnedEntryCount()),
            room(maxBytes, own.getOwnedEntryMemoryCost()));
    if (!plan.trims().isEmpty()) {
      chunks.executeOnKeys(plan.trims().keySet(), FinishedRetentionProcessor.trim(plan.trims()));
    }
    return plan.after();
  }

  /** What a budget leaves for the chunks once the records of their own are counted. */
  private static long room(long budget, long taken) {
    return budget == Long.MAX_VALUE ? budget : Math.max(0, budget - taken);
  }

  /**
   * The trims that bring {@code chunks} within {@code maxRecords} and {@code maxBytes} (either may
   * be {@link Long#MAX_VALUE}: no limit): every record that expires at or before {@code now} goes
   * (a chunk partly expired is still counted whole, so the budget errs towards keeping less), then
   * whole chunks, the one whose last record to expire expires first, while the rest is over budget.
   */
  static Plan plan(Map<String, Size> chunks, long now, long maxRecords, long maxBytes) {
    Map<String, Long> trims = new HashMap<>();
    List<Map.Entry<String, Size>> kept = new ArrayList<>(chunks.size());
    long records = 0;
    long bytes = 0;
    for (Map.Entry<String, Size> e : chunks.entrySet()) {
      Size size = e.getValue();
      if (size.latest() <= now) {
        trims.put(e.getKey(), now);
        continue;
      }
      if (size.soonest() <= now) {
        trims.put(e.getKey(), now);
      }
      kept.add(e);
      records += size.records();
      bytes += size.bytes();
    }
    if (records > maxRecords || bytes > maxBytes) {
      kept.sort(Comparator.comparingLong(e -> e.getValue().latest()));
      for (int i = 0; i < kept.size() && (records > maxRecords || bytes > maxBytes); i++) {
        Map.Entry<String, Size> e = kept.get(i);
        trims.put(e.getKey(), e.getValue().latest()); // all it held when it was read
        records -= e.getValue().records();
        bytes -= e.getValue().bytes();
      }
    }
    return new Plan(trims, new Retained(records, bytes));
  }
}

package io.taskgrid.coordinator.internal.sched;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Whether the heap has room for more tasks: the heap used after the last garbage collection (live
 * data, not garbage waiting for the next young collection) against a share of the maximum heap, and
 * the old generation's use after its last collection against the same share of the old generation's
 * own maximum. Read on every batch: reading three pools costs about 0.4 µs, and once a second was
 * too coarse (a client flooding 2 MB requests filled a 512 MiB coordinator's heap within the second
 * after its old generation had filled, and the coordinator died of OutOfMemoryError). Thread-safe:
 * the readings are the JVM's, and only the last refusal's text is kept (a volatile).
 *
 * <p>Why both. With ParallelGC (the launcher's default) the old generation can hold at most two
 * thirds of the heap (the young generation keeps the rest); once it is full the collector runs full
 * collections back to back, and the whole heap's use after GC reaches 85 % only when the young
 * generation holds live data too, if ever: a coordinator ran 80 full collections in 3.5 minutes
 * with 2.29 GB of its 3 GB heap live (bench/RESULTS.md, "Store writes merged ..."), and floods
 * killed 512 MiB coordinators before they refused (bench/ANALYSIS.md, fifteenth pass). The old
 * generation is the pool with the largest maximum (ParallelGC's and SerialGC's old generation, G1's
 * old generation, whose maximum is the heap's, ZGC's and Shenandoah's single pool); the young
 * pools' use after a collection says nothing about room (a survivor space is often full).
 */
public final class HeapHeadroom {
  /**
   * One heap memory pool as its last collection left it.
   *
   * @param max its maximum size in bytes, or -1 when it has none of its own
   */
  public record PoolUse(String name, long usedAfterGc, long max) {}

  private final Supplier<List<PoolUse>> pools;
  private final long maxBytes;
  private final int maxUsedPercent;
  private volatile String refusal = "";

  HeapHeadroom(Supplier<List<PoolUse>> pools, long maxBytes, int maxUsedPercent) {
    this.pools = pools;
    this.maxBytes = maxBytes;
    this.maxUsedPercent = maxUsedPercent;
  }

  /** This JVM's heap; {@code maxUsedPercent} 100 turns the check off. */
  public static HeapHeadroom ofThisJvm(int maxUsedPercent) {
    List<MemoryPoolMXBean> beans = heapPools();
    return new HeapHeadroom(
        () -> afterLastCollection(beans), Runtime.getRuntime().maxMemory(), maxUsedPercent);
  }

  /**
   * The most this JVM's old generation can hold, at most the heap's maximum: the room for
   * long-lived data, such as finished records. Two thirds of the heap on ParallelGC; the whole heap
   * on G1, ZGC and Shenandoah.
   */
  public static long oldGenerationMax() {
    long heap = Runtime.getRuntime().maxMemory();
    PoolUse old = oldGeneration(afterLastCollection(heapPools()));
    return old == null ? heap : Math.min(old.max(), heap);
  }

  /** The heap pools that report their use after a collection. */
  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
        .toList();
  }

  /** What {@code beans} held after their last collection (a pool not yet collected: nothing). */
  static List<PoolUse> afterLastCollection(List<MemoryPoolMXBean> beans) {
    List<PoolUse> out = new ArrayList<>(beans.size());
    for (MemoryPoolMXBean p : beans) {
      MemoryUsage u = p.getCollectionUsage();
      if (u != null) {
        out.add(new PoolUse(p.getName(), u.getUsed(), u.getMax()));
      }
    }
    return out;
  }

  /** The old generation among {@code pools}: the one with the largest maximum, if any has one. */
  private static @Nullable PoolUse oldGeneration(List<PoolUse> pools) {
    PoolUse old = null;
    for (PoolUse p : pools) {
      if (p.max() > 0 && (old == null || p.max() > old.max())) {
        old = p;
      }
    }
    return old;
  }

  /** A check that never refuses (tests). */
  public static HeapHeadroom unlimited() {
    return new HeapHeadroom(List::of, Long.MAX_VALUE, 100);
  }

  boolean exhausted() {
    if (maxUsedPercent >= 100) {
      return false;
    }
    String why = check(pools.get());
    if (why == null) {
      return false;
    }
    refusal = why;
    return true;
  }

  /** Why {@code readings} leave no room (the refusal's text), or null when they leave room. */
  private @Nullable String check(List<PoolUse> readings) {
    long used = readings.stream().mapToLong(PoolUse::usedAfterGc).sum();
    PoolUse old = oldGeneration(readings);
    // The old generation first: when both are over, it is the cause (the young generation holds
    // live data only once the old one is full).
    if (old != null && old.usedAfterGc() * 100 > old.max() * maxUsedPercent) {
      return "coordinator memory is low: "
          + mib(old.usedAfterGc())
          + " MiB of its "
          + mib(old.max())
          + " MiB old generation ("
          + old.name()
          + ") in use after GC (limit "
          + maxUsedPercent
          + "%); submit again later or to another coordinator";
    }
    if (used * 100 > maxBytes * maxUsedPercent) {
      return "coordinator memory is low: "
          + mib(used)
          + " MiB of "
          + mib(maxBytes)
          + " MiB heap in use after GC (limit "
          + maxUsedPercent
          + "%); submit again later or to another coordinator";
    }
    return null;
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  String refusal() {
    return refusal;
  }
}

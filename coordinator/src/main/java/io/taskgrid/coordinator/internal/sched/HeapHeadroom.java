package io.taskgrid.coordinator.internal.sched;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Whether the heap has room for more tasks: the heap used after the last garbage collection (live
 * data, not garbage waiting for the next young collection) against a share of the maximum heap.
 * Read at most once per second (by the injected clock); thread-safe (a racy re-read is harmless).
 */
public final class HeapHeadroom {
  private static final long REFRESH_MILLIS = 1_000;

  private final Clock clock;
  private final LongSupplier usedAfterGc;
  private final long maxBytes;
  private final int maxUsedPercent;
  private volatile long checkedAtMillis = Long.MIN_VALUE / 2;
  private volatile boolean exhausted;
  private volatile long lastUsed;

  HeapHeadroom(Clock clock, LongSupplier usedAfterGc, long maxBytes, int maxUsedPercent) {
    this.clock = clock;
    this.usedAfterGc = usedAfterGc;
    this.maxBytes = maxBytes;
    this.maxUsedPercent = maxUsedPercent;
  }

  /** This JVM's heap; {@code maxUsedPercent} 100 turns the check off. */
  public static HeapHeadroom ofThisJvm(Clock clock, int maxUsedPercent) {
    List<MemoryPoolMXBean> pools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
            .toList();
    LongSupplier used =
        () -> {
          long sum = 0;
          for (MemoryPoolMXBean p : pools) {
            MemoryUsage u = p.getCollectionUsage();
            if (u != null) {
              sum += u.getUsed();
            }
          }
          return sum;
        };
    return new HeapHeadroom(clock, used, Runtime.getRuntime().maxMemory(), maxUsedPercent);
  }

  /** A check that never refuses (tests). */
  public static HeapHeadroom unlimited() {
    return new HeapHeadroom(Clock.systemUTC(), () -> 0, Long.MAX_VALUE, 100);
  }

  boolean exhausted() {
    if (maxUsedPercent >= 100) {
      return false;
    }
    long now = clock.millis();
    if (now >= checkedAtMillis + REFRESH_MILLIS || now < checkedAtMillis) {
      long used = usedAfterGc.getAsLong();
      lastUsed = used;
      exhausted = used * 100 > maxBytes * maxUsedPercent;
      checkedAtMillis = now;
    }
    return exhausted;
  }

  String refusal() {
    return "coordinator memory is low: "
        + lastUsed / (1024 * 1024)
        + " MiB of "
        + maxBytes / (1024 * 1024)
        + " MiB heap in use after GC (limit "
        + maxUsedPercent
        + "%); submit again later or to another coordinator";
  }
}

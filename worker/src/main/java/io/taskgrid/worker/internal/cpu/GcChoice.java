package io.taskgrid.worker.internal.cpu;

import java.util.List;
import java.util.Set;

/**
 * A default collector that gives way to the caller's. A JVM given two collector flags refuses to
 * start ("Multiple garbage collectors selected"), so a default such as {@code -XX:+UseSerialGC}
 * cannot simply come first and be overridden like {@code -Xmx}: it must be left out when the
 * caller's options choose a collector.
 */
public final class GcChoice {
  /** The flags that select a collector (JDK 17 and later; CMS and ParallelOld are gone). */
  private static final Set<String> COLLECTORS =
      Set.of(
          "-XX:+UseSerialGC",
          "-XX:+UseParallelGC",
          "-XX:+UseG1GC",
          "-XX:+UseZGC",
          "-XX:+UseShenandoahGC",
          "-XX:+UseEpsilonGC");

  private GcChoice() {}

  /**
   * Whether {@code option} selects a collector (not merely tunes one, as -XX:+UseGCOverheadLimit).
   */
  public static boolean selectsCollector(String option) {
    return COLLECTORS.contains(option);
  }

  /** {@code defaults} without their collector flag when {@code options} choose a collector. */
  public static List<String> defaultsGivingWay(List<String> defaults, List<String> options) {
    if (options.stream().noneMatch(GcChoice::selectsCollector)) {
      return defaults;
    }
    return defaults.stream().filter(o -> !selectsCollector(o)).toList();
  }
}

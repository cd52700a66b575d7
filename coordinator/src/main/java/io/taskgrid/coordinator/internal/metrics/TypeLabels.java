package io.taskgrid.coordinator.internal.metrics;

import io.taskgrid.proto.v1.Pool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The bounded {@code type} label values: the task types workers have announced to this coordinator,
 * at most {@link #MAX_TYPES} of them; any other type (a client's typo, a hostile client's random
 * names, a type announced after the cap) is counted as {@link #OTHER}. Each value maps to its
 * resolved series ({@code S}), created when the type is first announced, so the per-task path is
 * one map lookup. Thread-safe.
 */
final class TypeLabels<S> {
  /** The label value of every type not announced (or beyond the cap). */
  static final String OTHER = "other";

  /** Types with series of their own; beyond that, {@link #OTHER}. */
  static final int MAX_TYPES = 100;

  private final ConcurrentHashMap<String, S> series = new ConcurrentHashMap<>();
  private final Function<String, S> create;
  private final S other;

  TypeLabels(Function<String, S> create) {
    this.create = create;
    this.other = create.apply(OTHER);
  }

  /** A worker announced {@code type}: it gets series of its own, unless the cap is reached. */
  S announce(Pool pool, String type) {
    S s = series.get(type);
    if (s != null) {
      return s;
    }
    if (series.size() >= MAX_TYPES) {
      return other;
    }
    // Two racing announcements of new types may end one above the cap: bounded all the same.
    return series.computeIfAbsent(type, create);
  }

  /** The series of a type: its own if announced, else {@link #OTHER}'s. */
  S of(String type) {
    S s = series.get(type);
    return s == null ? other : s;
  }

  /** The label value a type is counted under. */
  String label(String type) {
    return series.containsKey(type) ? type : OTHER;
  }
}

package io.taskgrid.coordinator.internal.metrics;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The bounded label values: three pools, six outcomes. */
final class Labels {
  /** Pools as label values; index with {@link #poolIndex}. */
  static final List<String> POOLS = List.of("io", "cpu", "unknown");

  /** The outcomes a task can end with, in label order; index with {@link #outcomeIndex}. */
  static final List<Outcome> OUTCOMES =
      List.of(
          Outcome.SUCCEEDED,
          Outcome.FAILED,
          Outcome.CANCELLED,
          Outcome.TIMED_OUT,
          Outcome.WORKER_LOST,
          Outcome.REJECTED);

  private Labels() {}

  static int poolIndex(@Nullable Pool pool) {
    if (pool == Pool.IO) {
      return 0;
    }
    return pool == Pool.CPU ? 1 : 2;
  }

  /** Unspecified or unknown outcomes count as FAILED, as the scheduler records them. */
  static int outcomeIndex(Outcome outcome) {
    int i = OUTCOMES.indexOf(outcome);
    return i >= 0 ? i : 1;
  }

  static String outcome(Outcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }
}

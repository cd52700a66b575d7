package io.taskgrid.coordinator.internal;

import io.taskgrid.coordinator.internal.store.Retention;
import java.util.Optional;

/**
 * The start-up check of the retention budget against the heap ({@code -Xmx}): a budget the heap
 * cannot hold is refused, one that takes most of it is warned about. Finished records are held in
 * the heap, so a budget larger than the heap ends in a coordinator that spends its time in GC
 * (issue 18: throughput fell from 14,800 to 4,000 tasks/s without an error logged).
 */
final class RetentionHeapCheck {
  /**
   * The heap one finished record takes, measured on a standalone coordinator at ~14,800 noop
   * tasks/s (issue 18: ~580 bytes per finished task, the map entry with its key and record bytes
   * and everything else a finished task held then), rounded up.
   */
  static final long BYTES_PER_RECORD = 600;

  /** Above this share of the heap the budget is refused: nothing would be left to run tasks. */
  static final double REFUSE_FRACTION = 0.8;

  /** Above this share a warning is logged. */
  static final double WARN_FRACTION = 0.5;

  private RetentionHeapCheck() {}

  /**
   * The heap the budget may take on one member: its own finished records plus, with other members,
   * the backups of theirs (one synchronous backup each).
   */
  static long estimatedBytes(Retention retention, boolean clustered) {
    long own =
        retention.maxBytes() > 0
            ? retention.maxBytes()
            : Math.multiplyExact(retention.maxRecords(), BYTES_PER_RECORD);
    return clustered ? Math.multiplyExact(own, 2) : own;
  }

  /**
   * Throws {@link IllegalArgumentException} (one line, naming the flags) when the budget cannot fit
   * in the room the collector gives long-lived data; returns a warning when it takes more than half
   * of it. That room is {@code oldGenerationMaxBytes} when it is smaller than {@code maxHeapBytes}
   * (pass the heap twice where the old generation may fill the heap). Finished records live long,
   * so they end in the old generation, which ParallelGC (the launcher's collector) keeps at two
   * thirds of the heap; a budget of 80 % of the heap would fill it and leave the collector running
   * full collections back to back.
   */
  static Optional<String> check(
      Retention retention, boolean clustered, long maxHeapBytes, long oldGenerationMaxBytes) {
    long needed = estimatedBytes(retention, clustered);
    long room = Math.min(maxHeapBytes, oldGenerationMaxBytes);
    String what =
        "the retention budget (--retained-max "
            + retention.maxRecords()
            + (retention.maxBytes() > 0
                ? ", --retained-max-mb " + (retention.maxBytes() >> 20)
                : "")
            + (clustered ? ", with the backups of other members" : "")
            + ") needs about "
            + (needed >> 20)
            + " MiB of heap, "
            + percent(needed, room)
            + (room < maxHeapBytes
                ? " of the old generation's maximum ("
                    + (room >> 20)
                    + " MiB of the "
                    + (maxHeapBytes >> 20)
                    + " MiB heap, -Xmx / TASKGRID_HEAP; finished records live there)"
                : " of the maximum heap (" + (maxHeapBytes >> 20) + " MiB, -Xmx / TASKGRID_HEAP)");
    if (needed > REFUSE_FRACTION * room) {
      throw new IllegalArgumentException(
          what + ": lower the budget or raise the heap (at most 80 % of it may hold results)");
    }
    if (needed > WARN_FRACTION * room) {
      return Optional.of(what + ": little heap is left for running tasks");
    }
    return Optional.empty();
  }

  private static String percent(long part, long whole) {
    return Math.round(100.0 * part / whole) + " %";
  }
}

package io.taskgrid.coordinator.internal.store;

import java.time.Duration;

/**
 * How much of the finished tasks a store keeps: each finished record for at most {@code ttl}, and
 * never more than {@code maxRecords} of them (or, with {@code maxBytes > 0}, never more than about
 * {@code maxBytes} of record bytes) per coordinator, the oldest going first. Live (QUEUED/RUNNING)
 * records are never evicted: admission bounds them ({@code maxQueuedTasks}).
 *
 * @param ttl how long a finished record is kept at most
 * @param maxRecords the most finished records kept per coordinator
 * @param maxBytes the most bytes of finished records kept per coordinator; 0: no byte limit
 */
public record Retention(Duration ttl, long maxRecords, long maxBytes) {
  /** Finished records kept per coordinator unless configured otherwise. */
  public static final long DEFAULT_MAX_RECORDS = 500_000;

  private static final Retention DEFAULT =
      new Retention(Duration.ofHours(1), DEFAULT_MAX_RECORDS, 0);

  /** Validates. */
  public Retention {
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "resultTtl must be at least 1s (Hazelcast TTL granularity), was " + ttl);
    }
    // Hazelcast's max size is an int; at least one record per partition (271) so it keeps any.
    if (maxRecords < 1_000 || maxRecords > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "retainedMax must be 1000.." + Integer.MAX_VALUE + ", was " + maxRecords);
    }
    if (maxBytes != 0 && maxBytes < (1 << 20)) {
      throw new IllegalArgumentException(
          "retainedMaxBytes must be 0 (no byte limit) or at least 1 MiB, was " + maxBytes);
    }
  }

  /** One hour, {@link #DEFAULT_MAX_RECORDS} records, no byte limit. */
  public static Retention getDefaultInstance() {
    return DEFAULT;
  }

  /** The default budget with another time limit. */
  public static Retention ofTtl(Duration ttl) {
    return new Retention(ttl, DEFAULT_MAX_RECORDS, 0);
  }
}

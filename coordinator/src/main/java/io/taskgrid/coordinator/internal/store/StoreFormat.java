package io.taskgrid.coordinator.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * How the Hazelcast store lays out its records; every coordinator of a cluster must run the same
 * one, which {@link HazelcastTaskStore} checks when it starts (docs/STORE-BATCHES.md, "Store
 * formats and upgrades"). A format is chosen when a cluster forms: a coordinator that joins a
 * cluster of another format refuses to start, naming the flag that makes it join.
 */
public enum StoreFormat {
  /**
   * Every key in the partition of its own id. The format of every release before format 2, and of a
   * coordinator started with {@code --store-format 1} to join such a cluster.
   */
  PER_TASK(1),

  /**
   * The finished record of a task the SDKs named ({@code <prefix>-<n>-<check>}) is kept in the
   * partition of its live chunk, so that the results of one chunk are read and written in one
   * partition operation instead of up to 64 (see {@link HazelcastInternals.ChunkPartitioning}).
   */
  RESULTS_BY_CHUNK(2),

  /**
   * Format 2's layout, and a submission checks whether a task of its id has ended in the same
   * partition operation that stores its live record ({@link BatchWriteProcessor.Kind#CREATE}),
   * instead of reading the results map after the write and undoing the write for a task that had
   * ended: one partition operation fewer on every submission, and on a task's round trip. Its
   * operations carry what formats 1 and 2 do not know, so a cluster runs it only when every member
   * does.
   */
  ENDED_CHECKED_AT_CREATE(3),

  /**
   * Format 3, and the finished records of a task the SDKs named are kept 64 to an entry, a {@link
   * FinishedChunk} in the map {@code taskgrid-finished-chunks} keyed as its live chunk (so in the
   * same partition), instead of one entry each in the results map: a chunk's completions are one
   * entry operation, not 64. Hazelcast's eviction cannot hold a budget of whole chunks, so the
   * store keeps its own retention there ({@link FinishedRetention}).
   */
  FINISHED_BY_CHUNK(4);

  /** The format of a cluster that this release forms. */
  public static final StoreFormat CURRENT = FINISHED_BY_CHUNK;

  /** The Hazelcast member attribute by which a coordinator tells the cluster its format. */
  static final String MEMBER_ATTRIBUTE = "taskgrid.store-format";

  private final int number;

  StoreFormat(int number) {
    this.number = number;
  }

  /** Whether finished records of the SDKs' tasks are kept in their chunk's partition. */
  boolean resultsByChunk() {
    return this != PER_TASK;
  }

  /** Whether a submission checks for an ended task in the operation that stores it. */
  boolean checksEndedAtCreate() {
    return this == ENDED_CHECKED_AT_CREATE || this == FINISHED_BY_CHUNK;
  }

  /** Whether finished records of the SDKs' tasks are kept in {@link FinishedChunk}s. */
  boolean finishedByChunk() {
    return this == FINISHED_BY_CHUNK;
  }

  /** The format's number, as {@code --store-format} and the member attribute give it. */
  public int number() {
    return number;
  }

  /** The format numbered {@code number}, or null if there is none. */
  public static @Nullable StoreFormat of(int number) {
    for (StoreFormat f : values()) {
      if (f.number == number) {
        return f;
      }
    }
    return null;
  }

  /**
   * The format a member's attribute names: a member without the attribute runs a release from
   * before formats were named, which is {@link #PER_TASK}; an attribute this release does not know
   * names a later format (null).
   */
  static @Nullable StoreFormat ofAttribute(@Nullable String attribute) {
    if (attribute == null) {
      return PER_TASK;
    }
    try {
      return of(Integer.parseInt(attribute));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}

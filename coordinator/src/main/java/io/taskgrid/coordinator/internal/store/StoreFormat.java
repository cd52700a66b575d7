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
  RESULTS_BY_CHUNK(2);

  /** The format of a cluster that this release forms. */
  public static final StoreFormat CURRENT = RESULTS_BY_CHUNK;

  /** The Hazelcast member attribute by which a coordinator tells the cluster its format. */
  static final String MEMBER_ATTRIBUTE = "taskgrid.store-format";

  private final int number;

  StoreFormat(int number) {
    this.number = number;
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

package io.taskgrid.client;

import java.util.Set;

/**
 * The result of {@link Futures#wait}: the futures done and those still pending, as {@code
 * asyncio.wait}'s {@code (done, pending)}. Both sets are immutable snapshots, in input order.
 *
 * @param done the futures that were done when {@code wait} returned
 * @param pending the others
 * @param <F> the future type
 */
public record DoneAndPending<F>(Set<F> done, Set<F> pending) {
  /** Copies the sets. */
  public DoneAndPending {
    done = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(done));
    pending = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(pending));
  }
}

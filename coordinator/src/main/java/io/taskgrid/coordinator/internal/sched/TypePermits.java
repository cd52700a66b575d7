package io.taskgrid.coordinator.internal.sched;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The permits of the limited task types, shared by every coordinator of the cluster (the {@code
 * asyncio.Semaphore} of {@code --type-limit}): each coordinator holds some of a type's permits and
 * the holdings of one type never add up to more than its limit. A coordinator takes permits in
 * blocks and hands them to its tasks locally (see {@link TypeLimits}), so one call covers many
 * tasks. Implementations are thread-safe and never block the caller; their stages may complete on
 * any thread.
 */
public interface TypePermits {
  /**
   * Gives back {@code giveBack} of the permits {@code owner} holds for {@code type}, then takes up
   * to {@code wanted} more: as many as the limit leaves free, but no more than a fair share of the
   * limit while other owners wait. The part of {@code wanted} not granted is recorded as the
   * owner's demand (others see it as {@link PermitGrant#contended()}) until its next exchange.
   *
   * @param limit the type's limit as the caller knows it (the same on every coordinator)
   */
  CompletionStage<PermitGrant> exchange(
      String type, String owner, int giveBack, int wanted, int limit);

  /** Takes up to {@code wanted} permits (see {@link #exchange}). */
  default CompletionStage<PermitGrant> acquire(String type, String owner, int wanted, int limit) {
    return exchange(type, owner, 0, wanted, limit);
  }

  /** Gives back permits and withdraws the owner's demand (see {@link #exchange}). */
  default CompletionStage<PermitGrant> release(String type, String owner, int permits) {
    return exchange(type, owner, permits, 0, 0);
  }

  /**
   * Moves every permit held by an owner not in {@code liveOwners} (a coordinator that left the
   * cluster) to {@code heir}, which adopts the tasks they ran; drops those owners' demand. Moving
   * rather than dropping keeps the permits of the adopted, still running tasks counted, so no other
   * coordinator can start tasks in their place. Completes with the permits moved per type (types
   * with none left out).
   */
  CompletionStage<Map<String, Integer>> inheritOrphans(Set<String> liveOwners, String heir);
}

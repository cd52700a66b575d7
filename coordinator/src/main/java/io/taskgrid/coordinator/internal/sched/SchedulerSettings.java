package io.taskgrid.coordinator.internal.sched;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * What a {@link Scheduler} is besides its collaborators (clock, store, hub, jobs, executor): start
 * from {@link #defaults()} (a coordinator alone, no metrics, no type limits) and change what the
 * setup needs with the {@code with...} methods.
 *
 * @param ownerId this coordinator's id as written into the records it schedules, and under which it
 *     holds type permits
 * @param bus completions recorded by other coordinators
 * @param events where per-task events go (metrics)
 * @param typeLimits the most running tasks per task type in the cluster (types not listed are
 *     unlimited)
 * @param jitter uniform values in [0, 1) that spread retry backoffs
 * @param permits the type permits shared by the coordinators of the cluster
 * @param retries when to ask again for type permits the cluster refused, and to write again results
 *     the store did not take
 * @param heldCancels how many cancels for tasks not registered yet are held per tenant, and for how
 *     long
 */
public record SchedulerSettings(
    String ownerId,
    CompletionBus bus,
    TaskEvents events,
    Map<String, Integer> typeLimits,
    DoubleSupplier jitter,
    TypePermits permits,
    RetryTimer retries,
    PendingCancels.Limits heldCancels) {

  public SchedulerSettings {
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(bus, "bus");
    Objects.requireNonNull(events, "events");
    typeLimits = Map.copyOf(typeLimits);
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(permits, "permits");
    Objects.requireNonNull(retries, "retries");
    Objects.requireNonNull(heldCancels, "heldCancels");
  }

  /**
   * A coordinator alone ({@code "local"}, {@link CompletionBus#LOCAL}): no metrics, no type limits,
   * random retry jitter, permits in memory (a fresh ledger each call: it holds state), retries on
   * the JDK's delay thread, the default limits of held cancels.
   */
  public static SchedulerSettings defaults() {
    return new SchedulerSettings(
        "local",
        CompletionBus.LOCAL,
        TaskEvents.NONE,
        Map.of(),
        () -> ThreadLocalRandom.current().nextDouble(),
        new InMemoryTypePermits(),
        RetryTimer.daemon(),
        PendingCancels.Limits.DEFAULTS);
  }

  /** A member of a coordinator cluster: its id and the bus it shares with the others. */
  public SchedulerSettings withOwner(String ownerId, CompletionBus bus) {
    return new SchedulerSettings(
        ownerId, bus, events, typeLimits, jitter, permits, retries, heldCancels);
  }

  public SchedulerSettings withEvents(TaskEvents events) {
    return new SchedulerSettings(
        ownerId, bus, events, typeLimits, jitter, permits, retries, heldCancels);
  }

  public SchedulerSettings withTypeLimits(Map<String, Integer> typeLimits) {
    return new SchedulerSettings(
        ownerId, bus, events, typeLimits, jitter, permits, retries, heldCancels);
  }

  public SchedulerSettings withJitter(DoubleSupplier jitter) {
    return new SchedulerSettings(
        ownerId, bus, events, typeLimits, jitter, permits, retries, heldCancels);
  }

  /**
   * The type permits shared with the cluster, and the timer of retries (refused permits, results
   * the store did not take).
   */
  public SchedulerSettings withPermits(TypePermits permits, RetryTimer retries) {
    return new SchedulerSettings(
        ownerId, bus, events, typeLimits, jitter, permits, retries, heldCancels);
  }

  public SchedulerSettings withHeldCancels(PendingCancels.Limits heldCancels) {
    return new SchedulerSettings(
        ownerId, bus, events, typeLimits, jitter, permits, retries, heldCancels);
  }
}

package io.taskgrid.coordinator.internal.sched;

/**
 * The answer to a {@link TypePermits#exchange} call.
 *
 * @param granted the permits taken (0 when none were free)
 * @param contended whether other coordinators wait for permits of the type: the caller then gives
 *     back the permits it does not use instead of keeping them for its own waiting tasks
 */
public record PermitGrant(int granted, boolean contended) {}

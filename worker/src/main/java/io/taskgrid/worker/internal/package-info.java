/**
 * Internals of the worker agent. No compatibility guarantees: do not use from outside the worker.
 *
 * <p>Starting points: {@link io.taskgrid.worker.internal.WorkerAgent} wires the pools ({@code .io},
 * {@code .cpu}) to the coordinator connections ({@code .rpc}); {@link
 * io.taskgrid.worker.internal.HandlerRegistry} finds the handlers.
 */
@NullMarked
package io.taskgrid.worker.internal;

import org.jspecify.annotations.NullMarked;

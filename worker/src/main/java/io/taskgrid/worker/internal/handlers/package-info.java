/**
 * The built-in task handlers: noop, echo, sleep, http.get (I/O) and sum_squares, fail, spin (CPU).
 *
 * <p>Internal: no compatibility guarantees.
 */
@NullMarked
package io.taskgrid.worker.internal.handlers;

import org.jspecify.annotations.NullMarked;

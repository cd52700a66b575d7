/**
 * The I/O pool: event-loop threads running non-blocking handlers, and the bounded blocking pool.
 *
 * <p>Internal: no compatibility guarantees.
 */
@NullMarked
package io.taskgrid.worker.internal.io;

import org.jspecify.annotations.NullMarked;

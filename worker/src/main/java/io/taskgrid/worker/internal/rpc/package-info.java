/**
 * The streams to the coordinators: hello, credits, batched results, heartbeats and reconnects.
 *
 * <p>Internal: no compatibility guarantees.
 */
@NullMarked
package io.taskgrid.worker.internal.rpc;

import org.jspecify.annotations.NullMarked;

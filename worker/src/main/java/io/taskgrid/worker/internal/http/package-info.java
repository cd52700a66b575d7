/**
 * The egress policy of the built-in {@code http.get} handler and the small HTTP/1.1 client that
 * enforces it: every resolved address and every redirect hop is checked, the connection goes to the
 * checked address, the body is bounded and the whole exchange has one deadline.
 *
 * <p>Starting points: {@link io.taskgrid.worker.internal.http.HttpEgressPolicy}, {@link
 * io.taskgrid.worker.internal.http.GuardedHttpClient}.
 *
 * <p>Internal: no compatibility guarantees.
 */
@NullMarked
package io.taskgrid.worker.internal.http;

import org.jspecify.annotations.NullMarked;

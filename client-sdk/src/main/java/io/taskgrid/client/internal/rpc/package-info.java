/**
 * The SDK's transport: one batched {@code TaskService.Session} stream per client, with flow
 * control, reconnects and re-attach. No compatibility guarantees: do not use from outside the SDK.
 *
 * <p>Starting point: {@link io.taskgrid.client.internal.rpc.TaskSession}.
 */
@NullMarked
package io.taskgrid.client.internal.rpc;

import org.jspecify.annotations.NullMarked;

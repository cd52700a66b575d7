/** Internals of the client SDK. No compatibility guarantees: do not use from outside the SDK. */
@NullMarked
package io.taskgrid.client.internal;

import org.jspecify.annotations.NullMarked;

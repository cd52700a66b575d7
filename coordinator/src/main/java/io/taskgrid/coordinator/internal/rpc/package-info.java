/** Coordinator internals (rpc): not a public API, may change at any time. */
@NullMarked
package io.taskgrid.coordinator.internal.rpc;

import org.jspecify.annotations.NullMarked;

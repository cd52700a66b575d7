/** Coordinator internals (concurrent): not a public API, may change at any time. */
@NullMarked
package io.taskgrid.coordinator.internal.concurrent;

import org.jspecify.annotations.NullMarked;

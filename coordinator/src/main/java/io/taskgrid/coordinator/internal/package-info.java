/** Coordinator internals: not a public API, may change at any time. */
@NullMarked
package io.taskgrid.coordinator.internal;

import org.jspecify.annotations.NullMarked;

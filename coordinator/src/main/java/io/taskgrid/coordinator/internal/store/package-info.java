/** Coordinator internals (store): not a public API, may change at any time. */
@NullMarked
package io.taskgrid.coordinator.internal.store;

import org.jspecify.annotations.NullMarked;

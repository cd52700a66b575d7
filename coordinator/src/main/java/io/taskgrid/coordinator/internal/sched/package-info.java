/** Coordinator internals (sched): not a public API, may change at any time. */
@NullMarked
package io.taskgrid.coordinator.internal.sched;

import org.jspecify.annotations.NullMarked;

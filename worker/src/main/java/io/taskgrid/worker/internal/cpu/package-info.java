/**
 * The CPU pool: one child JVM per slot, driven over stdin/stdout with length-delimited protobuf
 * frames. {@link io.taskgrid.worker.internal.cpu.ChildMain} is the child's entry point.
 *
 * <p>Internal: no compatibility guarantees.
 */
@NullMarked
package io.taskgrid.worker.internal.cpu;

import org.jspecify.annotations.NullMarked;

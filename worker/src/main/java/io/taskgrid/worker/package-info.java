/**
 * The Taskgrid worker agent and its handler SPI.
 *
 * <p>Starting points: {@link io.taskgrid.worker.Worker#start} to run an agent, {@link
 * io.taskgrid.worker.TaskHandler} (or {@link io.taskgrid.worker.CpuTaskHandler}) to add a task
 * type, registered in {@code META-INF/services/io.taskgrid.worker.TaskHandler}.
 */
@NullMarked
package io.taskgrid.worker;

import org.jspecify.annotations.NullMarked;

/**
 * Coordinator clustering: the Hazelcast topic that carries completions between coordinators, the
 * type permits they share (cluster-wide type limits), and the adoption of the tasks and permits of
 * a coordinator that left the cluster. No compatibility guarantees.
 *
 * <p>Starting points: {@link io.taskgrid.coordinator.internal.cluster.TaskAdoption}, {@link
 * io.taskgrid.coordinator.internal.cluster.HazelcastCompletionBus}, {@link
 * io.taskgrid.coordinator.internal.cluster.HazelcastTypePermits}.
 */
@NullMarked
package io.taskgrid.coordinator.internal.cluster;

import org.jspecify.annotations.NullMarked;

/**
 * Coordinator clustering: the Hazelcast topic that carries completions between coordinators, and
 * the adoption of the tasks of a coordinator that left the cluster. No compatibility guarantees.
 *
 * <p>Starting points: {@link io.taskgrid.coordinator.internal.cluster.TaskAdoption}, {@link
 * io.taskgrid.coordinator.internal.cluster.HazelcastCompletionBus}.
 */
@NullMarked
package io.taskgrid.coordinator.internal.cluster;

import org.jspecify.annotations.NullMarked;

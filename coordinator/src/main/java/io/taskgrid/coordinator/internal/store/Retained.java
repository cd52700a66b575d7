package io.taskgrid.coordinator.internal.store;

/**
 * What a store keeps of finished tasks on this coordinator right now.
 *
 * @param records finished records held (a member's own entries, not its backups)
 * @param bytes an estimate of the heap those records take (Hazelcast's entry memory cost, or the
 *     record bytes of the in-memory store)
 */
public record Retained(long records, long bytes) {}

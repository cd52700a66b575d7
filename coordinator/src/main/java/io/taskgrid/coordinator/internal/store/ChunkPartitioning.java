package io.taskgrid.coordinator.internal.store;

import com.hazelcast.partition.PartitioningStrategy;

/**
 * Puts the key of a task that has a live chunk into that chunk's partition, and every other key
 * into its own (the key object itself is answered, which Hazelcast treats as no partition key at
 * all, so such keys serialize exactly as without a strategy). Used for the results map in {@link
 * StoreFormat#RESULTS_BY_CHUNK}: the 64 finished records of a chunk then share one partition, and a
 * batch of completions or the read at submission costs one operation per chunk instead of one per
 * partition the ids hash to. Only the store's own batched calls serialize keys with it (the map's
 * configuration has no strategy), so both formats run on the same map configuration.
 */
final class ChunkPartitioning implements PartitioningStrategy<Object> {
  static final ChunkPartitioning INSTANCE = new ChunkPartitioning();

  private static final long serialVersionUID = 1L;

  private ChunkPartitioning() {}

  @Override
  public Object getPartitionKey(Object key) {
    if (key instanceof String id) {
      String chunk = ChunkIds.chunkOf(id);
      return chunk == null ? id : chunk;
    }
    return key;
  }
}

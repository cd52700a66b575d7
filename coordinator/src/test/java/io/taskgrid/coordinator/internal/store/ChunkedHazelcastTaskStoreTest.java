package io.taskgrid.coordinator.internal.store;

/**
 * The contract, and the Hazelcast store's own tests, with tasks named as the SDKs name theirs:
 * their live records are kept 64 to a {@link LiveChunk} (see {@link ChunkIds}).
 */
class ChunkedHazelcastTaskStoreTest extends HazelcastTaskStoreTest {
  @Override
  boolean chunkedIds() {
    return true;
  }
}

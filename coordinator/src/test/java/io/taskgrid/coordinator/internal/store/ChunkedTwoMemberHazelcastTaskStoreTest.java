package io.taskgrid.coordinator.internal.store;

/**
 * The contract on two members with tasks named as the SDKs name theirs: their live records are kept
 * 64 to a {@link LiveChunk}, each chunk with a synchronous backup on the other member.
 */
class ChunkedTwoMemberHazelcastTaskStoreTest extends TwoMemberHazelcastTaskStoreTest {
  @Override
  boolean chunkedIds() {
    return true;
  }
}

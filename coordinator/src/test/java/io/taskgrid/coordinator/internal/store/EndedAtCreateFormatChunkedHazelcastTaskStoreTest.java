package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract with the SDKs' ids on a member of {@link StoreFormat#ENDED_CHECKED_AT_CREATE}, the
 * format of the release before format 4 and of a coordinator started with {@code --store-format 3}
 * to join its cluster: finished records one entry each in their chunk's partition, bounded by
 * Hazelcast's eviction.
 */
class EndedAtCreateFormatChunkedHazelcastTaskStoreTest extends ChunkedHazelcastTaskStoreTest {
  @BeforeAll
  static void endedAtCreateFormat() {
    restartMember(StoreFormat.ENDED_CHECKED_AT_CREATE);
  }

  @Test
  void store_runsTheFormatOfItsMember() {
    HazelcastTaskStore store = (HazelcastTaskStore) newStore(Duration.ofHours(1));
    assertThat(store.format()).isEqualTo(StoreFormat.ENDED_CHECKED_AT_CREATE);
    store.close();
  }
}

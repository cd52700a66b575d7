package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract with the SDKs' ids on a member of {@link StoreFormat#RESULTS_BY_CHUNK}, the format
 * of the release before format 3 and of a coordinator started with {@code --store-format 2} to join
 * its cluster: results by chunk, and a submission reads the results map after its write.
 */
class ResultsByChunkFormatChunkedHazelcastTaskStoreTest extends ChunkedHazelcastTaskStoreTest {
  @BeforeAll
  static void resultsByChunkFormat() {
    restartMember(StoreFormat.RESULTS_BY_CHUNK);
  }

  @Test
  void store_runsTheFormatOfItsMember() {
    HazelcastTaskStore store = (HazelcastTaskStore) newStore(Duration.ofHours(1));
    assertThat(store.format()).isEqualTo(StoreFormat.RESULTS_BY_CHUNK);
    store.close();
  }
}

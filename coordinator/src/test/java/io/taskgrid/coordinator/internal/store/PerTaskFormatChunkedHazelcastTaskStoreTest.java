package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract with the SDKs' ids on a member of {@link StoreFormat#PER_TASK}, the format of the
 * releases before it and of a coordinator started with {@code --store-format 1} to join their
 * cluster: finished records in the partitions of their ids.
 */
class PerTaskFormatChunkedHazelcastTaskStoreTest extends ChunkedHazelcastTaskStoreTest {
  @BeforeAll
  static void perTaskFormat() {
    restartMember(StoreFormat.PER_TASK);
  }

  @Test
  void store_runsTheFormatOfItsMember() {
    HazelcastTaskStore store = (HazelcastTaskStore) newStore(Duration.ofHours(1));
    assertThat(store.format()).isEqualTo(StoreFormat.PER_TASK);
    store.close();
  }
}

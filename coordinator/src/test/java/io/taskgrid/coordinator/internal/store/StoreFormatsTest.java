package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every coordinator of a cluster runs one store format, and one of another refuses to start. */
class StoreFormatsTest {
  private static final Duration TTL = Duration.ofHours(1);

  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void stopMembers() {
    members.forEach(HazelcastInstance::shutdown);
  }

  @Test
  void effectiveFormat_resultsByChunkNeedABudgetHazelcastCanHoldInWholeChunks() {
    long enough = HazelcastTaskStore.MIN_RECORDS_BY_CHUNK;
    assertThat(
            HazelcastTaskStore.effectiveFormat(
                StoreFormat.RESULTS_BY_CHUNK, new Retention(TTL, enough, 0)))
        .isEqualTo(StoreFormat.RESULTS_BY_CHUNK);
    assertThat(
            HazelcastTaskStore.effectiveFormat(
                StoreFormat.RESULTS_BY_CHUNK, new Retention(TTL, enough - 1, 0)))
        .isEqualTo(StoreFormat.PER_TASK);
    // A byte budget is held per member, not per partition.
    assertThat(
            HazelcastTaskStore.effectiveFormat(
                StoreFormat.RESULTS_BY_CHUNK, new Retention(TTL, 1_000, 64L << 20)))
        .isEqualTo(StoreFormat.RESULTS_BY_CHUNK);
    assertThat(
            HazelcastTaskStore.effectiveFormat(
                StoreFormat.ENDED_CHECKED_AT_CREATE, new Retention(TTL, enough - 1, 0)))
        .isEqualTo(StoreFormat.PER_TASK);
    assertThat(
            HazelcastTaskStore.effectiveFormat(
                StoreFormat.ENDED_CHECKED_AT_CREATE, new Retention(TTL, enough, 0)))
        .isEqualTo(StoreFormat.ENDED_CHECKED_AT_CREATE);
    assertThat(
            HazelcastTaskStore.effectiveFormat(
                StoreFormat.PER_TASK, new Retention(TTL, 1_000_000, 0)))
        .isEqualTo(StoreFormat.PER_TASK);
    // Format 4 keeps its own retention, in whole chunks per member: any budget.
    assertThat(
            HazelcastTaskStore.effectiveFormat(
                StoreFormat.FINISHED_BY_CHUNK, new Retention(TTL, 1_000, 0)))
        .isEqualTo(StoreFormat.FINISHED_BY_CHUNK);
  }

  @ParameterizedTest
  @CsvSource({
    "PER_TASK, RESULTS_BY_CHUNK",
    "RESULTS_BY_CHUNK, ENDED_CHECKED_AT_CREATE",
    "ENDED_CHECKED_AT_CREATE, FINISHED_BY_CHUNK"
  })
  void aCoordinatorOfAnotherFormat_refusesToJoinNamingTheFlagThatWould(
      StoreFormat olderFormat, StoreFormat newerFormat) throws IOException {
    Cluster cluster = new Cluster(2);
    HazelcastInstance older = cluster.start(0, olderFormat);
    HazelcastTaskStore olderStore = new HazelcastTaskStore(older, TTL, Runnable::run);
    HazelcastInstance newer = cluster.start(1, newerFormat);

    assertThatThrownBy(() -> new HazelcastTaskStore(newer, TTL, Runnable::run))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("this coordinator runs store format " + newerFormat.number())
        .hasMessageContaining("runs store format " + olderFormat.number() + ":")
        .hasMessageContaining("start this coordinator with --store-format " + olderFormat.number());
    olderStore.close();
  }

  @Test
  void aCoordinatorOfTheSameFormat_joins() throws IOException {
    Cluster cluster = new Cluster(2);
    HazelcastTaskStore first =
        new HazelcastTaskStore(cluster.start(0, StoreFormat.PER_TASK), TTL, Runnable::run);
    HazelcastTaskStore second =
        new HazelcastTaskStore(cluster.start(1, StoreFormat.PER_TASK), TTL, Runnable::run);

    assertThat(List.of(first.format(), second.format()))
        .containsExactly(StoreFormat.PER_TASK, StoreFormat.PER_TASK);
    first.close();
    second.close();
  }

  @Test
  void aMemberOfAReleaseBeforeFormats_isTakenForFormat1() throws IOException {
    Cluster cluster = new Cluster(2);
    Config unnamed = cluster.config(0, StoreFormat.PER_TASK);
    // What a coordinator of an earlier release sets: the same maps, no format attribute.
    unnamed.getMemberAttributeConfig().removeAttribute(StoreFormat.MEMBER_ATTRIBUTE);
    cluster.start(unnamed);
    HazelcastInstance newer = cluster.start(1, StoreFormat.RESULTS_BY_CHUNK);

    assertThatThrownBy(() -> new HazelcastTaskStore(newer, TTL, Runnable::run))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runs store format 1 (a release before store formats were named)")
        .hasMessageContaining("--store-format 1");
  }

  /** Members on fixed ports of 127.0.0.1 that find each other by TCP. */
  private final class Cluster {
    private final String name = "store-formats-" + System.nanoTime();
    private final int[] ports;
    private final List<String> addresses = new ArrayList<>();

    Cluster(int size) throws IOException {
      ports = new int[size];
      for (int i = 0; i < size; i++) {
        try (ServerSocket s = new ServerSocket(0)) {
          ports[i] = s.getLocalPort();
        }
        addresses.add("127.0.0.1:" + ports[i]);
      }
    }

    Config config(int index, StoreFormat format) {
      return HazelcastConfigs.memberConfig(
          CoordinatorOptions.newBuilder()
              .clusterName(name)
              .hazelcastHost("127.0.0.1")
              .hazelcastPort(ports[index])
              .members(addresses)
              .storeFormat(format)
              .build());
    }

    HazelcastInstance start(int index, StoreFormat format) {
      return start(config(index, format));
    }

    HazelcastInstance start(Config config) {
      HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
      members.add(member);
      int expected = members.size();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> member.getCluster().getMembers().size() == expected);
      return member;
    }
  }
}

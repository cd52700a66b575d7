package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A finished chunk keeps its own figures, and travels whole when its partition's replica moves. */
class FinishedChunkTest {
  private final SerializationService serialization =
      new DefaultSerializationServiceBuilder()
          .setConfig(StoreSerialization.register(new Config()).getSerializationConfig())
          .build();

  @Test
  void put_keepsCountHeapAndExpiries() {
    FinishedChunk chunk = new FinishedChunk(2);

    chunk.put("a", new byte[10], 500);
    chunk.put("bb", new byte[20], 300);

    assertThat(chunk.size()).isEqualTo(2);
    assertThat(chunk.bytes())
        .isEqualTo(10 + 2 + 20 + 4 + 2L * FinishedChunk.OVERHEAD_PER_RECORD)
        .isEqualTo(FinishedChunk.cost("a", new byte[10]) + FinishedChunk.cost("bb", new byte[20]));
    assertThat(chunk.soonest()).isEqualTo(300);
    assertThat(chunk.latest()).isEqualTo(500);
  }

  @Test
  void dropExpiringAtOrBefore_removesOnlyThoseAndRecomputesItsFigures() {
    FinishedChunk chunk = new FinishedChunk(3);
    chunk.put("a", new byte[1], 100);
    chunk.put("b", new byte[2], 200);
    chunk.put("c", new byte[3], 300);

    int dropped = chunk.dropExpiringAtOrBefore(200);

    assertThat(dropped).isEqualTo(2);
    assertThat(chunk.get("a")).isNull();
    assertThat(chunk.get("b")).isNull();
    assertThat(chunk.get("c")).hasSize(3);
    assertThat(chunk.bytes()).isEqualTo(FinishedChunk.cost("c", new byte[3]));
    assertThat(List.of(chunk.soonest(), chunk.latest())).containsExactly(300L, 300L);
    assertThat(chunk.dropExpiringAtOrBefore(299)).isZero();
    assertThat(chunk.dropExpiringAtOrBefore(300)).isEqualTo(1);
    assertThat(chunk.isEmpty()).isTrue();
    assertThat(chunk.bytes()).isZero();
  }

  @Test
  void serialized_thenRead_sameRecordsAndFigures() {
    FinishedChunk chunk = new FinishedChunk(2);
    chunk.put("a", new byte[] {1, 2, 3}, 1_000);
    chunk.put("b", new byte[0], 2_000);

    FinishedChunk back = serialization.toObject(serialization.toData(chunk));

    assertThat(expiries(back)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1_000L, "b", 2_000L));
    assertThat(back.get("a")).containsExactly(1, 2, 3);
    assertThat(back.get("b")).isEmpty();
    assertThat(back.bytes()).isEqualTo(chunk.bytes());
    assertThat(List.of(back.soonest(), back.latest())).containsExactly(1_000L, 2_000L);
  }

  private static Map<String, Long> expiries(FinishedChunk chunk) {
    Map<String, Long> out = new HashMap<>();
    chunk.entries().forEach(e -> out.put(e.getKey(), e.getValue().expiresAtMillis()));
    return out;
  }
}

package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A chunk travels whole when its partition's replica moves: what arrives is what was sent. */
class LiveChunkTest {
  private final SerializationService serialization =
      new DefaultSerializationServiceBuilder()
          .setConfig(StoreSerialization.register(new Config()).getSerializationConfig())
          .build();

  @Test
  void serialized_thenRead_sameRecords() {
    LiveChunk chunk = new LiveChunk(3);
    chunk.set("a", new byte[] {1, 2, 3});
    chunk.set("b", new byte[0]);
    chunk.set("c", new byte[] {9});
    chunk.set("c", null); // removed

    LiveChunk back = serialization.toObject(serialization.toData(chunk));

    assertThat(records(back)).containsOnlyKeys("a", "b");
    assertThat(back.get("a")).containsExactly(1, 2, 3);
    assertThat(back.get("b")).isEmpty();
    assertThat(back.get("c")).isNull();
  }

  @Test
  void lastRecordRemoved_isEmpty() {
    LiveChunk chunk = new LiveChunk(1);
    chunk.set("a", new byte[] {1});

    chunk.set("a", null);

    assertThat(chunk.isEmpty()).isTrue();
  }

  private static Map<String, byte[]> records(LiveChunk chunk) {
    Map<String, byte[]> out = new HashMap<>();
    chunk.entries().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}

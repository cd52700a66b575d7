package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.partition.PartitioningStrategy;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The strategy that reuses the last chunk key it serialized makes, for any sequence of ids, the
 * very keys Hazelcast makes when it serializes each id's chunk key itself.
 */
class ChunkPartitioningTest {
  private static final SerializationService SERIALIZATION =
      new DefaultSerializationServiceBuilder().build();

  private static final PartitioningStrategy<Object> FRESH =
      key -> {
        String chunk = ChunkIds.chunkOf((String) key);
        return chunk == null ? key : chunk;
      };

  @Property(tries = 200)
  void keysOfABatch_sameBytesAndPartitionHashAsSerializedOneByOne(
      @ForAll("batches") List<String> ids) {
    HazelcastInternals.ChunkPartitioning reused =
        new HazelcastInternals.ChunkPartitioning(SERIALIZATION);
    List<Data> made = new ArrayList<>();
    List<Data> expected = new ArrayList<>();
    for (String id : ids) {
      made.add(SERIALIZATION.toData(id, reused));
      expected.add(SERIALIZATION.toData(id, FRESH));
    }

    for (int i = 0; i < ids.size(); i++) {
      assertThat(made.get(i).toByteArray()).as(ids.get(i)).isEqualTo(expected.get(i).toByteArray());
      assertThat(made.get(i).getPartitionHash()).isEqualTo(expected.get(i).getPartitionHash());
    }
  }

  @Property(tries = 50)
  void idsOfOneChunk_shareAPartitionHash_andOtherChunksMostlyDoNot(
      @ForAll("prefixes") String prefix) {
    HazelcastInternals.ChunkPartitioning reused =
        new HazelcastInternals.ChunkPartitioning(SERIALIZATION);
    int first = SERIALIZATION.toData(sdkId(prefix, 64), reused).getPartitionHash();

    for (int n = 65; n < 128; n++) {
      assertThat(SERIALIZATION.toData(sdkId(prefix, n), reused).getPartitionHash())
          .isEqualTo(first);
    }
    // Hashes of distinct chunk keys: a collision of all of these would mean no chunk key is hashed.
    List<Integer> others = new ArrayList<>();
    for (int n = 128; n < 128 + 64 * 8; n += 64) {
      others.add(SERIALIZATION.toData(sdkId(prefix, n), reused).getPartitionHash());
    }
    assertThat(others).anyMatch(h -> h != first);
  }

  @Provide
  Arbitrary<List<String>> batches() {
    Arbitrary<String> sdk =
        Arbitraries.of("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210")
            .flatMap(prefix -> Arbitraries.longs().between(0, 1_000).map(n -> sdkId(prefix, n)));
    Arbitrary<String> own = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, sdk), net.jqwik.api.Tuple.of(2, own))
        .list()
        .ofMaxSize(200);
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(32);
  }

  private static String sdkId(String prefix, long n) {
    return prefix + "-" + n + "-0123456789abcdef";
  }
}

package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkIdsTest {
  private static final String PREFIX = "0123456789abcdef0123456789abcdef";
  private static final String CHECK = "fedcba9876543210";

  @Test
  void chunkOf_sdkIds_sixtyFourConsecutiveShareAChunk() {
    assertThat(ChunkIds.chunkOf(PREFIX + "-0-" + CHECK)).isEqualTo("c/" + PREFIX + "-0");
    assertThat(ChunkIds.chunkOf(PREFIX + "-63-" + CHECK)).isEqualTo("c/" + PREFIX + "-0");
    assertThat(ChunkIds.chunkOf(PREFIX + "-64-" + CHECK)).isEqualTo("c/" + PREFIX + "-1");
    assertThat(ChunkIds.chunkOf(PREFIX + "-999999999999-" + CHECK))
        .isEqualTo("c/" + PREFIX + "-15624999999");
  }

  @Test
  void chunkOf_otherIds_haveNone() {
    assertThat(ChunkIds.chunkOf("")).isNull();
    assertThat(ChunkIds.chunkOf("my-task")).isNull();
    assertThat(ChunkIds.chunkOf(PREFIX)).isNull(); // the SDKs' earlier ids: 32 hex digits
    assertThat(ChunkIds.chunkOf(PREFIX + "--" + CHECK)).isNull(); // no counter
    assertThat(ChunkIds.chunkOf(PREFIX + "-01-" + CHECK)).isNull(); // a leading zero
    assertThat(ChunkIds.chunkOf(PREFIX + "-1000000000000-" + CHECK)).isNull(); // 13 digits
    assertThat(ChunkIds.chunkOf(PREFIX + "-1a-" + CHECK)).isNull();
    assertThat(ChunkIds.chunkOf(PREFIX.toUpperCase() + "-1-" + CHECK)).isNull();
    assertThat(ChunkIds.chunkOf(PREFIX + "-1-" + CHECK + "0")).isNull(); // 17 check digits
    assertThat(ChunkIds.chunkOf(PREFIX + "-1-" + CHECK.substring(1))).isNull();
    assertThat(ChunkIds.chunkOf(PREFIX.substring(1) + "-1-" + CHECK)).isNull();
    assertThat(ChunkIds.chunkOf(PREFIX + "_1-" + CHECK)).isNull();
  }

  @Test
  void chunkOf_previousKeyOfTheSameChunk_isAnsweredItself() {
    String key = ChunkIds.chunkOf(PREFIX + "-64-" + CHECK);

    assertThat(ChunkIds.chunkOf(PREFIX + "-127-" + CHECK, key)).isSameAs(key);
    assertThat(ChunkIds.chunkOf(PREFIX + "-128-" + CHECK, key)).isEqualTo("c/" + PREFIX + "-2");
    assertThat(ChunkIds.chunkOf(PREFIX + "-63-" + CHECK, key)).isEqualTo("c/" + PREFIX + "-0");
    String otherPrefix = "f" + PREFIX.substring(1);
    assertThat(ChunkIds.chunkOf(otherPrefix + "-64-" + CHECK, key))
        .isEqualTo("c/" + otherPrefix + "-1");
    assertThat(ChunkIds.chunkOf("my-task", key)).isNull();
  }

  @Test
  void chunkOf_previousThatIsNotExactlyTheKey_isNotAnswered() {
    String id = PREFIX + "-70-" + CHECK; // chunk 1
    String key = "c/" + PREFIX + "-1";

    for (String previous :
        new String[] {
          "c/" + PREFIX + "-01", // a leading zero
          "c/" + PREFIX + "-1x",
          "c/" + PREFIX + "-",
          "d/" + PREFIX + "-1",
          "c/" + PREFIX + "-11",
          "c/" + PREFIX + "-99999999999999999999", // past a long
          "",
        }) {
      assertThat(ChunkIds.chunkOf(id, previous)).as(previous).isEqualTo(key).isNotSameAs(previous);
    }
  }

  @Test
  void chunkKeys_areNeverTaskIds() {
    String key = ChunkIds.chunkOf(PREFIX + "-5-" + CHECK);

    assertThat(key).startsWith(ChunkIds.KEY_PREFIX);
    // '/' is outside the task id alphabet, so no id can be a chunk key.
    assertThat(io.taskgrid.coordinator.internal.sched.WireIds.problem("task id", key)).isNotNull();
  }

  @Test
  void packedAnswers_roundTrip() {
    byte[][] answers = {null, {1, 2}, {}, null};

    byte[][] back = ChunkWriteProcessor.unpack(ChunkWriteProcessor.pack(answers), answers.length);

    assertThat(back).isDeepEqualTo(new byte[][] {null, {1, 2}, {}, null});
    assertThat(ChunkWriteProcessor.unpack(null, 3)).isDeepEqualTo(new byte[][] {null, null, null});
  }
}

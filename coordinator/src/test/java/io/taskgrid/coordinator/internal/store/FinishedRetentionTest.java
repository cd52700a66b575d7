package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.FinishedRetention.Plan;
import io.taskgrid.coordinator.internal.store.FinishedRetentionProcessor.Size;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a sweep of the finished chunks decides to drop, from their sizes and expiries. */
class FinishedRetentionTest {
  private static final long NONE = Long.MAX_VALUE;
  private static final long NOW = 10_000;

  @Test
  void withinBudgetAndNothingExpired_dropsNothing() {
    Map<String, Size> chunks = Map.of("c1", new Size(64, 6_400, 20_000, 21_000));

    Plan plan = FinishedRetention.plan(chunks, NOW, 64, NONE);

    assertThat(plan.trims()).isEmpty();
    assertThat(plan.after()).isEqualTo(new Retained(64, 6_400));
  }

  @Test
  void expired_droppedAtNow_aWhollyExpiredChunkNoLongerCounted() {
    Map<String, Size> chunks = new LinkedHashMap<>();
    chunks.put("gone", new Size(64, 6_400, 1_000, NOW));
    chunks.put("partly", new Size(10, 1_000, 5_000, 15_000));
    chunks.put("fresh", new Size(5, 500, 12_000, 13_000));

    Plan plan = FinishedRetention.plan(chunks, NOW, NONE, NONE);

    assertThat(plan.trims()).containsOnly(Map.entry("gone", NOW), Map.entry("partly", NOW));
    // A chunk partly expired is still counted whole: the budget errs towards keeping less.
    assertThat(plan.after()).isEqualTo(new Retained(15, 1_500));
  }

  @Test
  void overTheCountBudget_evictsTheChunksThatExpireFirstUntilWithin() {
    Map<String, Size> chunks = new LinkedHashMap<>();
    chunks.put("newest", new Size(64, 100, 40_000, 40_000));
    chunks.put("oldest", new Size(64, 100, 20_000, 20_000));
    chunks.put("middle", new Size(64, 100, 25_000, 30_000));

    Plan plan = FinishedRetention.plan(chunks, NOW, 100, NONE);

    // Each evicted chunk loses everything it held when read: up to its last expiry.
    assertThat(plan.trims())
        .containsOnly(Map.entry("oldest", 20_000L), Map.entry("middle", 30_000L));
    assertThat(plan.after()).isEqualTo(new Retained(64, 100));
  }

  @Test
  void overTheByteBudget_evictsUntilWithinIt() {
    Map<String, Size> chunks = new LinkedHashMap<>();
    chunks.put("a", new Size(1, 5_000, 20_000, 20_000));
    chunks.put("b", new Size(1, 5_000, 21_000, 21_000));
    chunks.put("c", new Size(1, 5_000, 22_000, 22_000));

    Plan plan = FinishedRetention.plan(chunks, NOW, NONE, 10_000);

    assertThat(plan.trims()).containsOnlyKeys("a");
    assertThat(plan.after()).isEqualTo(new Retained(2, 10_000));
  }

  @Test
  void noRoomLeft_evictsEveryChunk() {
    Map<String, Size> chunks = Map.of("a", new Size(3, 300, 20_000, 20_000));

    Plan plan = FinishedRetention.plan(chunks, NOW, 0, NONE);

    assertThat(plan.trims()).containsOnly(Map.entry("a", 20_000L));
    assertThat(plan.after()).isEqualTo(new Retained(0, 0));
  }
}

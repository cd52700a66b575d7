package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.coordinator.internal.store.Retention;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionHeapCheckTest {
  private static final long MIB = 1 << 20;

  private static Retention records(long n) {
    return new Retention(Duration.ofHours(1), n, 0);
  }

  @Test
  void check_budgetWellInsideTheHeap_noWarning() {
    // 100,000 records x 600 B = ~57 MiB of a 1 GiB heap.
    assertThat(RetentionHeapCheck.check(records(100_000), false, 1024 * MIB, 1024 * MIB)).isEmpty();
  }

  @Test
  void check_budgetOverHalfTheHeap_warns() {
    // 500,000 x 600 B = ~286 MiB of 512 MiB: 56 %.
    assertThat(RetentionHeapCheck.check(records(500_000), false, 512 * MIB, 512 * MIB))
        .hasValueSatisfying(w -> assertThat(w).contains("--retained-max 500000").contains("56 %"));
  }

  @Test
  void check_clusteredMemberHoldsBackupsToo_countsThemTwice() {
    assertThat(RetentionHeapCheck.estimatedBytes(records(500_000), true))
        .isEqualTo(2 * RetentionHeapCheck.estimatedBytes(records(500_000), false));
    assertThatThrownBy(() -> RetentionHeapCheck.check(records(500_000), true, 512 * MIB, 512 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("with the backups of other members");
  }

  @Test
  void check_byteBudgetOverEightyPercentOfTheHeap_refused() {
    Retention bytes = new Retention(Duration.ofHours(1), 1_000, 900 * MIB);

    assertThatThrownBy(() -> RetentionHeapCheck.check(bytes, false, 1024 * MIB, 1024 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--retained-max-mb 900")
        .hasMessageContaining("lower the budget or raise the heap");
  }

  @Test
  void check_oldGenerationSmallerThanTheHeap_isTheRoomJudged() {
    // ParallelGC at the launcher's 2 GiB: the old generation holds at most 1,365 MiB. A clustered
    // budget of 1,000,000 records (~1,144 MiB with backups) is 56 % of the heap, 84 % of the old
    // generation: the records could not all stay.
    assertThatThrownBy(
            () -> RetentionHeapCheck.check(records(1_000_000), true, 2048 * MIB, 1365 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("84 % of the old generation's maximum (1365 MiB of the 2048 MiB heap")
        .hasMessageContaining("lower the budget or raise the heap");
    // The same budget where the old generation may take the whole heap (G1): a warning only.
    assertThat(RetentionHeapCheck.check(records(1_000_000), true, 2048 * MIB, 2048 * MIB))
        .hasValueSatisfying(w -> assertThat(w).contains("56 % of the maximum heap (2048 MiB"));
  }

  @Test
  void check_theDefaultBudgetAtTheLaunchersDefaults_passesQuietly() {
    // 500,000 records with backups (~572 MiB) in ParallelGC's 1,365 MiB old generation: 42 %.
    assertThat(RetentionHeapCheck.check(records(500_000), true, 2048 * MIB, 1365 * MIB)).isEmpty();
  }

  @Test
  void oldGenerationMax_ofThisJvm_isPositiveAndAtMostTheHeap() {
    long old = io.taskgrid.coordinator.internal.sched.HeapHeadroom.oldGenerationMax();

    assertThat(old).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
  }
}

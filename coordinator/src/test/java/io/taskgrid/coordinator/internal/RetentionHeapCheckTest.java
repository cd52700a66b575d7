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
    assertThat(RetentionHeapCheck.check(records(100_000), false, 1024 * MIB)).isEmpty();
  }

  @Test
  void check_budgetOverHalfTheHeap_warns() {
    // 500,000 x 600 B = ~286 MiB of 512 MiB: 56 %.
    assertThat(RetentionHeapCheck.check(records(500_000), false, 512 * MIB))
        .hasValueSatisfying(w -> assertThat(w).contains("--retained-max 500000").contains("56 %"));
  }

  @Test
  void check_clusteredMemberHoldsBackupsToo_countsThemTwice() {
    assertThat(RetentionHeapCheck.estimatedBytes(records(500_000), true))
        .isEqualTo(2 * RetentionHeapCheck.estimatedBytes(records(500_000), false));
    assertThatThrownBy(() -> RetentionHeapCheck.check(records(500_000), true, 512 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("with the backups of other members");
  }

  @Test
  void check_byteBudgetOverEightyPercentOfTheHeap_refused() {
    Retention bytes = new Retention(Duration.ofHours(1), 1_000, 900 * MIB);

    assertThatThrownBy(() -> RetentionHeapCheck.check(bytes, false, 1024 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--retained-max-mb 900")
        .hasMessageContaining("lower the budget or raise the heap");
  }
}

package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoordinatorOptionsTest {
  @Test
  void getDefaultInstance_defaults_matchTheDocumentedValues() {
    CoordinatorOptions o = CoordinatorOptions.getDefaultInstance();

    assertThat(o.host()).isEqualTo("0.0.0.0");
    assertThat(o.port()).isEqualTo(7070);
    assertThat(o.clusterName()).isEqualTo("taskgrid");
    assertThat(o.members()).isEmpty();
    assertThat(o.hazelcastHost()).isEqualTo("127.0.0.1");
    assertThat(o.hazelcastPort()).isEqualTo(5701);
    assertThat(o.resultTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(o.maxPayloadBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(o.maxBatchSize()).isEqualTo(10_000);
    assertThat(o.maxQueuedTasks()).isEqualTo(5_000_000);
  }

  @Test
  void toBuilder_changeOneField_keepsTheOthers() {
    CoordinatorOptions o =
        CoordinatorOptions.newBuilder().port(0).members(List.of("10.0.0.2:5701")).build();

    CoordinatorOptions copy = o.toBuilder().maxBatchSize(5).build();

    assertThat(copy.port()).isZero();
    assertThat(copy.members()).containsExactly("10.0.0.2:5701");
    assertThat(copy.maxBatchSize()).isEqualTo(5);
  }

  @Test
  void typeLimits_setAndCopied_zeroRejectedNamingTheType() {
    CoordinatorOptions o =
        CoordinatorOptions.newBuilder().typeLimits(java.util.Map.of("http.get", 100)).build();

    assertThat(o.toBuilder().build().typeLimits())
        .containsExactly(java.util.Map.entry("http.get", 100));
    assertThatThrownBy(
            () -> CoordinatorOptions.newBuilder().typeLimits(java.util.Map.of("x", 0)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("typeLimits[x] must be positive, was 0");
  }

  @Test
  void build_badValues_rejectedWithClearMessage() {
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().port(70000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().maxBatchSize(0).build())
        .hasMessageContaining("maxBatchSize");
    assertThatThrownBy(
            () -> CoordinatorOptions.newBuilder().resultTtl(Duration.ofMillis(10)).build())
        .hasMessageContaining("resultTtl");
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().retainedMax(10).build())
        .hasMessageContaining("retainedMax must be 1000..2147483647, was 10");
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().retainedMaxBytes(1000).build())
        .hasMessageContaining("retainedMaxBytes must be 0 (no byte limit) or at least 1 MiB");
  }

  @Test
  void retention_ttlAndBudget_fromTheOptions() {
    CoordinatorOptions o =
        CoordinatorOptions.newBuilder()
            .resultTtl(Duration.ofMinutes(5))
            .retainedMax(20_000)
            .retainedMaxBytes(64L << 20)
            .build();

    assertThat(o.retention())
        .isEqualTo(
            new io.taskgrid.coordinator.internal.store.Retention(
                Duration.ofMinutes(5), 20_000, 64L << 20));
    assertThat(o.toBuilder().build().retention()).isEqualTo(o.retention());
  }
}

package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.coordinator.internal.auth.Credentials;
import io.taskgrid.coordinator.internal.auth.TokenFile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoordinatorOptionsTest {
  @Test
  void getDefaultInstance_defaults_matchTheDocumentedValues() {
    CoordinatorOptions o = CoordinatorOptions.getDefaultInstance();

    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(7070);
    assertThat(o.clusterName()).isEqualTo("taskgrid");
    assertThat(o.members()).isEmpty();
    assertThat(o.hazelcastHost()).isEqualTo("127.0.0.1");
    assertThat(o.hazelcastPort()).isEqualTo(5701);
    assertThat(o.resultTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(o.maxPayloadBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(o.maxBatchSize()).isEqualTo(10_000);
    assertThat(o.maxQueuedTasks()).isEqualTo(2_000_000);
    assertThat(o.maxMessageBytes()).isEqualTo(3 * 1024 * 1024);
    assertThat(o.maxIdsPerRequest()).isEqualTo(10_000);
    assertThat(o.maxQueuedTasksPerTenant()).isEqualTo(1_000_000);
    assertThat(o.maxQueuedTasksPerSession()).isEqualTo(250_000);
    assertThat(o.maxHeapUsedPercent()).isEqualTo(85);
    assertThat(o.notReadingTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.maxStreamQueueBytes()).isEqualTo(64L * 1024 * 1024);
  }

  @Test
  void build_limitsOutOfRange_failWithOneLineNamingTheLimit() {
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().maxPayloadBytes(64 << 20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPayloadBytes must be 1..33554432, was 67108864");
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().maxMessageBytes(1000).build())
        .hasMessage("maxMessageBytes must be 1048576..33554432, was 1000");
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().maxIdsPerRequest(10).build())
        .hasMessage("maxIdsPerRequest must be 1000..1000000, was 10");
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().maxQueuedTasksPerSession(0).build())
        .hasMessage("maxQueuedTasksPerSession must be positive, was 0");
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().maxHeapUsedPercent(101).build())
        .hasMessage("maxHeapUsedPercent must be 1..100, was 101");
    assertThatThrownBy(
            () -> CoordinatorOptions.newBuilder().notReadingTimeout(Duration.ofSeconds(-1)).build())
        .hasMessage("notReadingTimeout must not be negative, was PT-1S");
  }

  @Test
  void build_networkAddressWithoutTlsOrAuth_refusedUnlessInsecureFlag() {
    assertThatThrownBy(() -> CoordinatorOptions.newBuilder().host("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("refusing to serve 0.0.0.0 without TLS and authentication")
        .hasMessageContaining("--insecure-allow-plaintext-on-network");
    Credentials creds = TokenFile.parse(List.of("0123456789abcdef-admin admin default"), "tokens");
    assertThatThrownBy(
            () -> CoordinatorOptions.newBuilder().host("0.0.0.0").credentials(creds).build())
        .hasMessageStartingWith("refusing to serve 0.0.0.0 without TLS:");

    assertThat(
            CoordinatorOptions.newBuilder()
                .host("0.0.0.0")
                .insecureAllowPlaintextOnNetwork(true)
                .build()
                .host())
        .isEqualTo("0.0.0.0");
    assertThat(CoordinatorOptions.newBuilder().host("localhost").build().host())
        .isEqualTo("localhost");
    assertThat(CoordinatorOptions.newBuilder().host("::1").build().host()).isEqualTo("::1");
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

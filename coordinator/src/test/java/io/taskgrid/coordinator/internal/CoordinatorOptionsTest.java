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
    assertThat(o.maxQueuedTasks()).isEqualTo(5_000_000);
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
  }
}

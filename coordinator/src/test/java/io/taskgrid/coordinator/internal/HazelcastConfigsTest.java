package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The member configuration each way of finding members produces (nothing is started). */
class HazelcastConfigsTest {
  @Test
  void memberConfig_kubernetesServiceDns_enablesKubernetesDnsDiscoveryOnly() {
    Config config =
        HazelcastConfigs.memberConfig(
            CoordinatorOptions.newBuilder()
                .kubernetesServiceDns("taskgrid-coordinator-hz.default.svc.cluster.local")
                .hazelcastHost("10.1.2.3")
                .build());

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("taskgrid-coordinator-hz.default.svc.cluster.local");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).contains("10.1.2.3");
  }

  @Test
  void memberConfig_members_usesTcpIpJoinAndNoKubernetes() {
    Config config =
        HazelcastConfigs.memberConfig(
            CoordinatorOptions.newBuilder().members(List.of("10.0.0.2:5701")).build());

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.2:5701");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
  }

  @Test
  void memberConfig_noMembers_standaloneWithoutAnyJoin() {
    JoinConfig join =
        HazelcastConfigs.memberConfig(CoordinatorOptions.getDefaultInstance())
            .getNetworkConfig()
            .getJoin();

    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
  }

  @Test
  void build_membersAndKubernetes_rejectedWithClearMessage() {
    assertThatThrownBy(
            () ->
                CoordinatorOptions.newBuilder()
                    .members(List.of("10.0.0.2"))
                    .kubernetesServiceDns("svc.local")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exclusive");
  }
}

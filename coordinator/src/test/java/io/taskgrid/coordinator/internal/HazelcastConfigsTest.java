package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    JoinConfig join = config.getAdvancedNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("taskgrid-coordinator-hz.default.svc.cluster.local");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(memberEndpoint(config).getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
  }

  @Test
  void memberConfig_members_usesTcpIpJoinAndNoKubernetes() {
    Config config =
        HazelcastConfigs.memberConfig(
            CoordinatorOptions.newBuilder().members(List.of("10.0.0.2:5701")).build());

    JoinConfig join = config.getAdvancedNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.2:5701");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
  }

  @Test
  void memberConfig_noMembers_standaloneWithoutAnyJoin() {
    JoinConfig join =
        HazelcastConfigs.memberConfig(CoordinatorOptions.getDefaultInstance())
            .getAdvancedNetworkConfig()
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

  @Test
  void memberConfig_anyOptions_servesOnlyTheMemberEndpointBoundToHzHost() {
    Config config =
        HazelcastConfigs.memberConfig(
            CoordinatorOptions.newBuilder().hazelcastHost("127.0.0.1").build());

    assertThat(config.getAdvancedNetworkConfig().isEnabled()).isTrue();
    assertThat(config.getAdvancedNetworkConfig().getEndpointConfigs().keySet())
        .containsExactly(EndpointQualifier.MEMBER);
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(memberEndpoint(config).getInterfaces().isEnabled()).isTrue();
    assertThat(memberEndpoint(config).getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
  }

  @Test
  void memberConfig_anyOptions_filtersJavaSerializationWithAnAllowList() {
    JavaSerializationFilterConfig filter =
        HazelcastConfigs.memberConfig(CoordinatorOptions.getDefaultInstance())
            .getSerializationConfig()
            .getJavaSerializationFilterConfig();

    assertThat(filter).isNotNull();
    assertThat(filter.isDefaultsDisabled()).isFalse();
    assertThat(filter.getWhitelist().isEmpty()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "fd00::2"})
  void publicHostWarning_privateOrLoopback_none(String host) {
    assertThat(HazelcastConfigs.publicHostWarning(host)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "8.8.8.8", "2001:4860:4860::8888"})
  void publicHostWarning_publicOrWildcard_warnsNamingTheHost(String host) {
    assertThat(HazelcastConfigs.publicHostWarning(host))
        .hasValueSatisfying(
            w -> assertThat(w).contains("--hz-host " + host).contains("not a private or loopback"));
  }

  private static ServerSocketEndpointConfig memberEndpoint(Config config) {
    return (ServerSocketEndpointConfig)
        config.getAdvancedNetworkConfig().getEndpointConfigs().get(EndpointQualifier.MEMBER);
  }
}

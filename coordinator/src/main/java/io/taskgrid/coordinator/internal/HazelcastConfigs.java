package io.taskgrid.coordinator.internal;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.taskgrid.coordinator.internal.cluster.HazelcastTypePermits;
import io.taskgrid.coordinator.internal.store.HazelcastTaskStore;

/** The programmatic Hazelcast member configuration of a coordinator. */
public final class HazelcastConfigs {
  private HazelcastConfigs() {}

  /**
   * Multicast off; Kubernetes discovery when a service DNS name is given, else TCP-IP join with the
   * given members (none: standalone, no join at all); Jet off; no phone-home; SLF4J logging; no
   * shutdown hook (the coordinator closes it).
   */
  public static Config memberConfig(CoordinatorOptions options) {
    Config config = new Config();
    config.setClusterName(options.clusterName());
    config.setInstanceName(
        "taskgrid-" + options.clusterName() + "-" + System.identityHashCode(config));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.getJetConfig().setEnabled(false);
    // Hazelcast's own metrics (collected every 5 s for Management Center and JMX) and its health
    // monitor: nothing here reads them (the coordinator exports its own, and the member count is
    // read from the member list), and collecting them took CPU and time slices from the request
    // path on 2 cores.
    config.getMetricsConfig().setEnabled(false);
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    // A coordinator that stops answering is removed after memberTimeout (Hazelcast's default is
    // 60 s), so that the others adopt its tasks promptly.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds",
        Long.toString(Math.max(2, options.memberTimeout().toSeconds())));
    // Task records and their backups (one synchronous backup), and the store's batched writes.
    HazelcastTaskStore.configure(config, options.retention());
    // Type permits likewise: a lost permit change would let a type run over its limit.
    config.getMapConfig(HazelcastTypePermits.PERMITS_MAP).setBackupCount(1).setAsyncBackupCount(0);

    NetworkConfig network = config.getNetworkConfig();
    network.getInterfaces().setEnabled(true).addInterface(options.hazelcastHost());
    config.setProperty("hazelcast.local.localAddress", options.hazelcastHost());
    if (options.hazelcastPort() == 0) {
      network.setPort(5701).setPortAutoIncrement(true).setPortCount(100);
    } else {
      network.setPort(options.hazelcastPort()).setPortAutoIncrement(false);
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (!options.kubernetesServiceDns().isEmpty()) {
      // Hazelcast's built-in Kubernetes discovery, DNS lookup mode: the headless service's
      // records are the members; no Kubernetes API access (no RBAC) needed.
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", options.kubernetesServiceDns());
    } else if (options.members().isEmpty()) {
      join.getTcpIpConfig().setEnabled(false);
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
    }
    return config;
  }
}

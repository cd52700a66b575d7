package io.taskgrid.coordinator.internal;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import io.taskgrid.coordinator.internal.cluster.HazelcastTypePermits;
import io.taskgrid.coordinator.internal.cluster.MinorityWatch;
import io.taskgrid.coordinator.internal.cluster.QuorumFunction;
import io.taskgrid.coordinator.internal.store.HazelcastTaskStore;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** The programmatic Hazelcast member configuration of a coordinator. */
public final class HazelcastConfigs {
  private HazelcastConfigs() {}

  /**
   * Locked down: the member endpoint only (no client, REST or memcache endpoint), bound only on
   * {@code hazelcastHost}; multicast and auto-detection off; Kubernetes discovery when a service
   * DNS name is given, else TCP-IP join with the given members (none: standalone, no join at all);
   * Java serialization limited to an allow-list. Jet off; no phone-home; SLF4J logging; no shutdown
   * hook (the coordinator closes it).
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
    // A write whose backup is not acknowledged completes anyway after this timeout (default 5 s).
    // Past the member timeout, such a write completes only once the silent member is removed,
    // after this member's heartbeat lease lapsed: in a split it is then never acknowledged (see
    // HeartbeatLease, ClusterQuorum#acknowledgement).
    config.setProperty(
        "hazelcast.operation.backup.timeout.millis",
        Long.toString(Math.max(5_000, options.memberTimeout().toMillis() + 2_000)));
    // Task records and their backups (one synchronous backup), and the store's batched writes.
    HazelcastTaskStore.configure(config, options.retention(), options.storeFormat());
    // Type permits likewise: a lost permit change would let a type run over its limit.
    config.getMapConfig(HazelcastTypePermits.PERMITS_MAP).setBackupCount(1).setAsyncBackupCount(0);
    configureSplitBrain(config, options);

    // Members only: the advanced network configuration serves just the MEMBER endpoint, so a
    // Hazelcast client (which could read and overwrite every task record) finds no endpoint that
    // speaks its protocol; REST and memcache stay off.
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
    ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
    member.setName("taskgrid-member");
    // Bind only --hz-host, never the wildcard address (Hazelcast binds every interface unless told
    // otherwise, whatever the interfaces list says).
    config.setProperty("hazelcast.socket.bind.any", "false");
    member.getInterfaces().setEnabled(true).addInterface(options.hazelcastHost());
    config.setProperty("hazelcast.local.localAddress", options.hazelcastHost());
    if (options.hazelcastPort() == 0) {
      member.setPort(5701).setPortAutoIncrement(true).setPortCount(100);
    } else {
      member.setPort(options.hazelcastPort()).setPortAutoIncrement(false);
    }
    network.setMemberEndpointConfig(member);
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
    // Nothing of ours travels with Java serialization (records are byte arrays, processors are
    // DataSerializable): an allow-list keeps a forged Java-serialized value (a gadget chain) from
    // being deserialized on a member. Hazelcast's defaults (its own classes, java.*, a blacklist
    // of known gadgets) stay on; our own packages are listed for the DataSerializable processors.
    config
        .getSerializationConfig()
        .setJavaSerializationFilterConfig(
            new JavaSerializationFilterConfig()
                .setDefaultsDisabled(false)
                .setWhitelist(
                    new ClassFilter()
                        .addPackages(
                            "io.taskgrid.coordinator.internal.store",
                            "io.taskgrid.coordinator.internal.cluster")));
    return config;
  }

  /**
   * Split-brain handling, explicit rather than Hazelcast's defaults. Protection: every store map
   * refuses operations on a member that its {@link MinorityWatch} finds in a minority (see {@link
   * QuorumFunction}). Merge: when the split heals, the smaller side's entries are discarded ({@code
   * DiscardMergePolicy}). The smaller side stopped serving when it noticed the split, and the
   * larger side adopted its tasks, so its copies are stale: kept (the default, PutIfAbsent) they
   * would bring back finished tasks as live and results of a second attempt. A task the smaller
   * side accepted before it noticed is gone with them; its client resubmits it (it ends LOST, see
   * docs/ARCHITECTURE.md). Hazelcast looks for the other side every member timeout (its default
   * waits 5 minutes, then 2 minutes between looks), so a healed split is whole within seconds.
   */
  private static void configureSplitBrain(Config config, CoordinatorOptions options) {
    String lookEvery = Long.toString(Math.max(2, options.memberTimeout().toSeconds()));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", lookEvery);
    config.setProperty("hazelcast.merge.next.run.delay.seconds", lookEvery);
    config.addSplitBrainProtectionConfig(
        new SplitBrainProtectionConfig(QuorumFunction.NAME, true)
            .setProtectOn(SplitBrainProtectionOn.READ_WRITE)
            .setFunctionImplementation(new QuorumFunction()));
    MergePolicyConfig discard =
        new MergePolicyConfig(
            DiscardMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE);
    for (String map :
        new String[] {
          HazelcastTaskStore.TASKS_MAP,
          HazelcastTaskStore.CHUNKS_MAP,
          HazelcastTaskStore.RESULTS_MAP,
          HazelcastTypePermits.PERMITS_MAP
        }) {
      config
          .getMapConfig(map)
          .setSplitBrainProtectionName(QuorumFunction.NAME)
          .setMergePolicyConfig(new MergePolicyConfig(discard));
    }
  }

  /** The split-brain protection function of a configuration made by {@link #memberConfig}. */
  public static QuorumFunction quorumFunction(Config config) {
    return (QuorumFunction)
        config.getSplitBrainProtectionConfig(QuorumFunction.NAME).getFunctionImplementation();
  }

  /**
   * The warning to log when {@code hazelcastHost} is reachable from outside a private network (a
   * public or wildcard address), or empty. Open-source Hazelcast has no member TLS or
   * authentication: whoever reaches the member port can join the cluster.
   */
  public static Optional<String> publicHostWarning(String hazelcastHost) {
    InetAddress address;
    try {
      address = InetAddress.getByName(hazelcastHost);
    } catch (UnknownHostException e) {
      return Optional.of(
          "--hz-host " + hazelcastHost + " does not resolve; Hazelcast may fail to bind");
    }
    if (address.isLoopbackAddress()
        || address.isSiteLocalAddress()
        || address.isLinkLocalAddress()
        || isUniqueLocal(address)) {
      return Optional.empty();
    }
    return Optional.of(
        "--hz-host "
            + hazelcastHost
            + " is not a private or loopback address: Hazelcast member traffic is neither"
            + " encrypted nor authenticated, so anyone who reaches port 5701 there can join the"
            + " cluster and read or change every task (see docs/SECURITY.md)");
  }

  /** IPv6 unique local addresses, fc00::/7 (the IPv6 private ranges). */
  private static boolean isUniqueLocal(InetAddress address) {
    return address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
  }
}

package io.taskgrid.coordinator.internal.metrics;

import com.hazelcast.core.HazelcastInstance;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/** The Hazelcast cluster as this coordinator sees it (read at scrape time). */
final class ClusterGauges extends Collector {
  private final HazelcastInstance hazelcast;

  private ClusterGauges(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  static void register(CollectorRegistry registry, HazelcastInstance hazelcast) {
    registry.register(new ClusterGauges(hazelcast));
  }

  @Override
  public List<MetricFamilySamples> collect() {
    // getMembers() is a local snapshot of the member list: no remote call.
    int members =
        hazelcast.getLifecycleService().isRunning()
            ? hazelcast.getCluster().getMembers().size()
            : 0;
    return List.of(
        new GaugeMetricFamily(
            MetricNames.CLUSTER_MEMBERS,
            "Coordinators (Hazelcast members) in the cluster, as this coordinator sees it.",
            members));
  }
}

package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import io.taskgrid.coordinator.internal.store.Retained;
import io.taskgrid.coordinator.internal.store.Retention;
import io.taskgrid.coordinator.internal.store.TaskStore;
import java.util.List;

/**
 * The finished records this coordinator keeps against its retention budget (read at scrape time:
 * Hazelcast's local map statistics, no remote call).
 */
final class RetentionGauges extends Collector {
  private final TaskStore store;
  private final Retention budget;

  private RetentionGauges(TaskStore store, Retention budget) {
    this.store = store;
    this.budget = budget;
  }

  static void register(CollectorRegistry registry, TaskStore store, Retention budget) {
    registry.register(new RetentionGauges(store, budget));
  }

  @Override
  public List<MetricFamilySamples> collect() {
    Retained retained = store.retained();
    return List.of(
        new GaugeMetricFamily(
            MetricNames.RETAINED_RECORDS,
            "Finished task records this coordinator keeps (its own, not backups of others').",
            retained.records()),
        new GaugeMetricFamily(
            MetricNames.RETAINED_BYTES,
            "Estimated heap bytes of the finished task records this coordinator keeps.",
            retained.bytes()),
        new GaugeMetricFamily(
            MetricNames.RETAINED_MAX_RECORDS,
            "The retention budget: the most finished records kept (--retained-max).",
            budget.maxRecords()),
        new GaugeMetricFamily(
            MetricNames.RETAINED_MAX_BYTES,
            "The retention budget in bytes (--retained-max-mb); 0: no byte limit.",
            budget.maxBytes()));
  }
}

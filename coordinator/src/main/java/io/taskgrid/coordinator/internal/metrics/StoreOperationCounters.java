package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.CounterMetricFamily;
import io.taskgrid.coordinator.internal.store.TaskStore;
import java.util.List;
import java.util.Map;

/**
 * The partition operations the task store has issued, per map (read at scrape time from the store's
 * own counters). Divided by the tasks finished, it is the store's cost per task: a batch of one
 * chunk's 64 tasks is one operation per map, a batch of unrelated ids up to one per record.
 */
final class StoreOperationCounters extends Collector {
  private final TaskStore store;

  private StoreOperationCounters(TaskStore store) {
    this.store = store;
  }

  static void register(CollectorRegistry registry, TaskStore store) {
    registry.register(new StoreOperationCounters(store));
  }

  @Override
  public List<MetricFamilySamples> collect() {
    CounterMetricFamily family =
        new CounterMetricFamily(
            MetricNames.STORE_PARTITION_OPERATIONS,
            "Partition operations the task store issued to Hazelcast, per map (each one batch of"
                + " records of one partition, applied on its partition thread).",
            List.of(MetricNames.MAP));
    for (Map.Entry<String, Long> e : store.partitionOperations().entrySet()) {
      family.addMetric(List.of(e.getKey()), e.getValue());
    }
    return List.of(family);
  }
}

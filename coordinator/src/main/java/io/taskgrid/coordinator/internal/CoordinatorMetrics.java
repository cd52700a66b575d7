package io.taskgrid.coordinator.internal;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import java.util.List;

/**
 * The coordinator's Prometheus metrics, registered on a registry the caller owns (never the default
 * registry). For now only gauges read at scrape time (nothing on the hot path); the metrics issue
 * adds counters and histograms here.
 */
public final class CoordinatorMetrics extends Collector {
  private final Scheduler scheduler;

  private CoordinatorMetrics(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Registers the coordinator's metrics on {@code registry}. */
  public static CoordinatorMetrics register(
      CollectorRegistry registry, CoordinatorRuntime runtime) {
    CoordinatorMetrics m = new CoordinatorMetrics(runtime.scheduler());
    registry.register(m);
    return m;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    return List.of(
        new GaugeMetricFamily(
            "taskgrid_workers_connected",
            "Workers connected to this coordinator.",
            scheduler.connectedWorkers()),
        new GaugeMetricFamily(
            "taskgrid_tasks_live",
            "Tasks accepted by this coordinator and not ended (queued, waiting or running).",
            scheduler.liveTasks()));
  }
}

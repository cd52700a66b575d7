package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.proto.v1.Pool;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Gauges read from the scheduler at scrape time, so they cost nothing on the per-task path: workers
 * connected, live tasks, and per pool the queue depth and the tasks running.
 */
final class SchedulerGauges extends Collector {
  /** How long a scrape waits for a pool's executor to report its queue; then the last value. */
  private static final long QUEUE_QUERY_TIMEOUT_MS = 1_000;

  private static final Pool[] POOLS = {Pool.IO, Pool.CPU};

  private final Scheduler scheduler;
  private final AtomicLongArray lastQueued = new AtomicLongArray(POOLS.length);

  private SchedulerGauges(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  static void register(CollectorRegistry registry, Scheduler scheduler) {
    registry.register(new SchedulerGauges(scheduler));
  }

  @Override
  public List<MetricFamilySamples> collect() {
    GaugeMetricFamily queued =
        new GaugeMetricFamily(
            MetricNames.QUEUE_DEPTH,
            "Tasks queued in a pool, waiting for a worker's credit.",
            List.of(MetricNames.POOL));
    GaugeMetricFamily running =
        new GaugeMetricFamily(
            MetricNames.TASKS_RUNNING,
            "Tasks leased to workers and not ended.",
            List.of(MetricNames.POOL));
    for (int i = 0; i < POOLS.length; i++) {
      String pool = Labels.POOLS.get(Labels.poolIndex(POOLS[i]));
      queued.addMetric(List.of(pool), queuedNow(i));
      running.addMetric(List.of(pool), scheduler.running(POOLS[i]));
    }
    return List.of(
        queued,
        running,
        new GaugeMetricFamily(
            MetricNames.WORKERS_CONNECTED,
            "Workers connected to this coordinator.",
            scheduler.connectedWorkers()),
        new GaugeMetricFamily(
            MetricNames.TASKS_LIVE,
            "Tasks accepted by this coordinator and not ended (queued, waiting or running).",
            scheduler.liveTasks()));
  }

  /** Asks the pool's serial executor (the queue's owner); a busy executor yields the last value. */
  private long queuedNow(int i) {
    try {
      long n =
          scheduler
              .queued(POOLS[i])
              .toCompletableFuture()
              .get(QUEUE_QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      lastQueued.set(i, n);
      return n;
    } catch (TimeoutException | ExecutionException e) {
      return lastQueued.get(i);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return lastQueued.get(i);
    }
  }
}

package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import io.taskgrid.coordinator.internal.sched.PoolSnapshot;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.Scheduler.StoreWriteKind;
import io.taskgrid.proto.v1.Pool;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Gauges read from the scheduler at scrape time, so they cost nothing on the per-task path: workers
 * connected, live tasks, and per pool the queue depth, the tasks running, the age of the oldest
 * queued and of the longest-running task, the tasks held by a type limit, and the tasks queued for
 * a type that no connected worker offers (the stuck-queue alert's input). Pool {@code unknown}
 * holds the tasks whose type no worker ever announced. Per kind of store write (leases, results):
 * the records flushed that wait for a write in flight to end, and the writes in flight.
 */
final class SchedulerGauges extends Collector {
  /** How long a scrape waits for a pool's executor to report; then the last values. */
  private static final long QUERY_TIMEOUT_MS = 1_000;

  /** The pools in label order; {@code null} is the unresolved area (label "unknown"). */
  private static final Pool[] POOLS = {Pool.IO, Pool.CPU, null};

  private final Scheduler scheduler;
  private final UnaryOperator<String> typeLabel;
  private final AtomicReferenceArray<PoolSnapshot> last = new AtomicReferenceArray<>(POOLS.length);

  private SchedulerGauges(Scheduler scheduler, UnaryOperator<String> typeLabel) {
    this.scheduler = scheduler;
    this.typeLabel = typeLabel;
    for (int i = 0; i < POOLS.length; i++) {
      last.set(i, PoolSnapshot.EMPTY);
    }
  }

  static void register(
      CollectorRegistry registry, Scheduler scheduler, UnaryOperator<String> typeLabel) {
    registry.register(new SchedulerGauges(scheduler, typeLabel));
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<String> poolLabel = List.of(MetricNames.POOL);
    GaugeMetricFamily queued =
        new GaugeMetricFamily(
            MetricNames.QUEUE_DEPTH,
            "Tasks queued in a pool, waiting for a worker's credit (including retry backoffs and"
                + " tasks held by a type limit).",
            poolLabel);
    GaugeMetricFamily running =
        new GaugeMetricFamily(
            MetricNames.TASKS_RUNNING, "Tasks leased to workers and not ended.", poolLabel);
    GaugeMetricFamily oldestQueued =
        new GaugeMetricFamily(
            MetricNames.OLDEST_QUEUED_AGE,
            "Age of the oldest task waiting in a pool (since it was accepted); 0 when none waits.",
            poolLabel);
    GaugeMetricFamily longestRunning =
        new GaugeMetricFamily(
            MetricNames.LONGEST_RUNNING_AGE,
            "Run time so far of the longest-running attempt in a pool; 0 when none runs.",
            poolLabel);
    GaugeMetricFamily held =
        new GaugeMetricFamily(
            MetricNames.HELD_BY_TYPE_LIMIT,
            "Queued tasks held because their type is at its running limit (--type-limit).",
            poolLabel);
    GaugeMetricFamily withoutWorker =
        new GaugeMetricFamily(
            MetricNames.QUEUED_WITHOUT_WORKER,
            "Queued tasks of a type that no connected worker offers in their pool: they wait for"
                + " such a worker to connect.",
            List.of(MetricNames.POOL, MetricNames.TYPE));
    long now = scheduler.nowMillis();
    for (int i = 0; i < POOLS.length; i++) {
      Pool pool = POOLS[i];
      String label = Labels.POOLS.get(Labels.poolIndex(pool));
      PoolSnapshot s = snapshot(i);
      if (pool != null) {
        queued.addMetric(List.of(label), s.queued());
        running.addMetric(List.of(label), scheduler.running(pool));
        held.addMetric(List.of(label), s.heldByTypeLimit());
        longestRunning.addMetric(List.of(label), age(now, s.oldestRunningMillis()));
      }
      oldestQueued.addMetric(List.of(label), age(now, s.oldestQueuedMillis()));
      // Always one series per pool (type "other" at 0 when nothing is stuck), so the alert's
      // expression has data on a healthy cluster too; types beyond the bounded set add up there.
      Map<String, Integer> byLabel = new TreeMap<>();
      byLabel.put(TypeLabels.OTHER, 0);
      s.waitingWithoutWorker()
          .forEach((type, n) -> byLabel.merge(typeLabel.apply(type), n, Integer::sum));
      byLabel.forEach((type, n) -> withoutWorker.addMetric(List.of(label, type), n));
    }
    List<String> kindLabel = List.of(MetricNames.KIND);
    GaugeMetricFamily writesWaiting =
        new GaugeMetricFamily(
            MetricNames.STORE_WRITES_WAITING,
            "Records flushed by the scheduler that wait, merged, for one of the store writes of"
                + " their kind in flight (at most 4) to end; high for long: the store is slower"
                + " than the workers.",
            kindLabel);
    GaugeMetricFamily writesInFlight =
        new GaugeMetricFamily(
            MetricNames.STORE_WRITES_IN_FLIGHT,
            "Store writes of the scheduler issued and not ended, per kind (at most 4).",
            kindLabel);
    for (StoreWriteKind kind : StoreWriteKind.values()) {
      List<String> label = List.of(kind.name().toLowerCase(Locale.ROOT)); // lease, result
      writesWaiting.addMetric(label, scheduler.storeWritesWaiting(kind));
      writesInFlight.addMetric(label, scheduler.storeWritesInFlight(kind));
    }
    return List.of(
        queued,
        running,
        oldestQueued,
        longestRunning,
        held,
        withoutWorker,
        writesWaiting,
        writesInFlight,
        new GaugeMetricFamily(
            MetricNames.WORKERS_CONNECTED,
            "Workers connected to this coordinator.",
            scheduler.connectedWorkers()),
        new GaugeMetricFamily(
            MetricNames.TASKS_LIVE,
            "Tasks accepted by this coordinator and not ended (queued, waiting or running).",
            scheduler.liveTasks()));
  }

  private static double age(long now, long sinceMillis) {
    return sinceMillis < 0 ? 0 : Math.max(0, now - sinceMillis) / 1000.0;
  }

  /** Asks the pool's serial executor (the owner); a busy executor yields the last snapshot. */
  private PoolSnapshot snapshot(int i) {
    @Nullable Pool pool = POOLS[i];
    try {
      PoolSnapshot s =
          scheduler
              .snapshot(pool)
              .toCompletableFuture()
              .get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      last.set(i, s);
      return s;
    } catch (TimeoutException | ExecutionException e) {
      return last.get(i);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return last.get(i);
    }
  }
}

package io.taskgrid.coordinator.internal.metrics;

import com.hazelcast.core.HazelcastInstance;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.hotspot.DefaultExports;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.TaskEvents;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The coordinator's per-task metrics, fed by the scheduler through {@link TaskEvents}. Every label
 * combination is resolved once, here, into a child held in an array: the per-task path is an array
 * index and a lock-free add ({@code DoubleAdder}), with no map lookup and no lock.
 */
public final class CoordinatorMetrics implements TaskEvents {
  /** Bucket bounds in seconds for queue wait and end-to-end latency: 1 ms to 10 min. */
  static final double[] WAIT_BUCKETS = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600
  };

  /** Bucket bounds in seconds for run time: 1 ms to 1 h. */
  static final double[] RUN_BUCKETS = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600
  };

  // Exemplars are off: with them, every observation looks for a tracing span (~10x the cost).
  /** Rejection reasons (status codes) as label values; anything else counts as OTHER. */
  static final List<String> REJECT_REASONS =
      List.of("INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "ALREADY_EXISTS", "OTHER");

  /** Why an attempt after the first started, as label values; anything else counts as other. */
  static final List<String> RETRY_REASONS =
      List.of(
          TaskEvents.RETRY_FAILED,
          TaskEvents.RETRY_WORKER_LOST,
          TaskEvents.RETRY_LEASE_LOST,
          TaskEvents.RETRY_ADOPTED,
          "other");

  private final Counter submittedC;
  private final Counter retriedC;
  private final Counter completedC;
  private final Histogram queueWaitH;
  private final Histogram runTimeH;
  private final Histogram latencyH;
  private final Counter.Child[] rejected;
  private final Counter.Child droppedNotHeld;
  private final Counter.Child declaredDead;
  private final Counter.Child stranded;
  private final TypeLabels<TypeSeries> types;

  /** The children of one task type, per pool; a pool's are created when first needed. */
  private final class TypeSeries {
    final String type;
    final AtomicReferenceArray<PoolSeries> pools = new AtomicReferenceArray<>(Labels.POOLS.size());

    TypeSeries(String type) {
      this.type = type;
    }

    PoolSeries pool(int p) {
      PoolSeries s = pools.get(p);
      if (s == null) {
        // Once per type and pool; label lookups return the same children to racing creators.
        pools.compareAndSet(p, null, new PoolSeries(Labels.POOLS.get(p), type));
        s = pools.get(p);
      }
      return s;
    }
  }

  /** Every child of one (pool, type), resolved once. */
  private final class PoolSeries {
    final Counter.Child submitted;
    final Counter.Child[] retried = new Counter.Child[RETRY_REASONS.size()];
    final Counter.Child[] completed = new Counter.Child[Labels.OUTCOMES.size()];
    final Histogram.Child queueWait;
    final Histogram.Child runTime;
    final Histogram.Child latency;

    PoolSeries(String pool, String type) {
      submitted = submittedC.labels(pool, type);
      for (int r = 0; r < RETRY_REASONS.size(); r++) {
        retried[r] = retriedC.labels(pool, type, RETRY_REASONS.get(r));
      }
      for (int o = 0; o < Labels.OUTCOMES.size(); o++) {
        completed[o] = completedC.labels(pool, type, Labels.outcome(Labels.OUTCOMES.get(o)));
      }
      queueWait = queueWaitH.labels(pool, type);
      runTime = runTimeH.labels(pool, type);
      latency = latencyH.labels(pool, type);
    }
  }

  private CoordinatorMetrics(CollectorRegistry registry) {
    submittedC =
        Counter.build(MetricNames.TASKS_SUBMITTED, "Tasks accepted by this coordinator.")
            .labelNames(MetricNames.POOL, MetricNames.TYPE)
            .withoutExemplars()
            .register(registry);
    retriedC =
        Counter.build(
                MetricNames.TASKS_RETRIED,
                "Attempts started after the first, by why the previous attempt ended.")
            .labelNames(MetricNames.POOL, MetricNames.TYPE, MetricNames.REASON)
            .withoutExemplars()
            .register(registry);
    completedC =
        Counter.build(MetricNames.TASKS_COMPLETED, "Tasks that ended, by final outcome.")
            .labelNames(MetricNames.POOL, MetricNames.TYPE, MetricNames.OUTCOME)
            .withoutExemplars()
            .register(registry);
    Counter rejectedC =
        Counter.build(
                MetricNames.TASKS_REJECTED,
                "Submitted tasks rejected before acceptance, by reason (gRPC status code).")
            .labelNames(MetricNames.REASON)
            .withoutExemplars()
            .register(registry);
    droppedNotHeld =
        Counter.build(
                MetricNames.RESULTS_DROPPED,
                "Worker results dropped because their stream did not hold the task's lease.")
            .labelNames(MetricNames.REASON)
            .withoutExemplars()
            .register(registry)
            .labels(TaskEvents.DROPPED_NOT_HELD);
    declaredDead =
        Counter.build(
                MetricNames.WORKERS_DECLARED_DEAD,
                "Workers declared dead because they stayed silent longer than the lease timeout.")
            .withoutExemplars()
            .register(registry)
            .labels();
    stranded =
        Counter.build(
                MetricNames.TASKS_STRANDED,
                "Tasks whose live record named this coordinator, which held them nowhere, found by"
                    + " the store audit and scheduled then.")
            .withoutExemplars()
            .register(registry)
            .labels();
    rejected = new Counter.Child[REJECT_REASONS.size()];
    for (int r = 0; r < REJECT_REASONS.size(); r++) {
      rejected[r] = rejectedC.labels(REJECT_REASONS.get(r).toLowerCase(Locale.ROOT));
    }
    queueWaitH =
        Histogram.build(
                MetricNames.TASK_QUEUE_WAIT, "Time from acceptance to the first lease to a worker.")
            .labelNames(MetricNames.POOL, MetricNames.TYPE)
            .buckets(WAIT_BUCKETS)
            .withoutExemplars()
            .register(registry);
    runTimeH =
        Histogram.build(MetricNames.TASK_RUN_TIME, "Run time of a task's last attempt.")
            .labelNames(MetricNames.POOL, MetricNames.TYPE)
            .buckets(RUN_BUCKETS)
            .withoutExemplars()
            .register(registry);
    latencyH =
        Histogram.build(
                MetricNames.TASK_LATENCY, "End-to-end time from acceptance to the final outcome.")
            .labelNames(MetricNames.POOL, MetricNames.TYPE)
            .buckets(WAIT_BUCKETS)
            .withoutExemplars()
            .register(registry);
    types = new TypeLabels<>(TypeSeries::new);
    TypeSeries other = types.of(TypeLabels.OTHER);
    for (int p = 0; p < Labels.POOLS.size(); p++) {
      // Created up front, so every pool's series exist (at 0) from the first scrape.
      other.pool(p);
    }
  }

  /** Registers the per-task metrics on {@code registry} (never the default registry). */
  public static CoordinatorMetrics register(CollectorRegistry registry) {
    return new CoordinatorMetrics(registry);
  }

  /**
   * Registers the scrape-time gauges of a scheduler: queue depth, running, workers, live, the age
   * of the oldest queued and longest-running task, tasks held by a type limit, tasks queued for a
   * type no connected worker offers (labelled as this object labels types), and per kind of store
   * write the records waiting for a write in flight and the writes in flight.
   */
  public void registerSchedulerGauges(CollectorRegistry registry, Scheduler scheduler) {
    SchedulerGauges.register(registry, scheduler, this::typeLabel);
  }

  /** Registers {@code taskgrid_cluster_members}, read from the Hazelcast member list. */
  public static void registerClusterGauges(CollectorRegistry registry, HazelcastInstance hz) {
    ClusterGauges.register(registry, hz);
  }

  /** Registers the retained finished records and the retention budget (read at scrape time). */
  public static void registerRetentionGauges(
      CollectorRegistry registry,
      io.taskgrid.coordinator.internal.store.TaskStore store,
      io.taskgrid.coordinator.internal.store.Retention budget) {
    RetentionGauges.register(registry, store, budget);
  }

  /** Registers {@code taskgrid_store_partition_operations_total} (read at scrape time). */
  public static void registerStoreOperationCounters(
      CollectorRegistry registry, io.taskgrid.coordinator.internal.store.TaskStore store) {
    StoreOperationCounters.register(registry, store);
  }

  /**
   * Registers what a process exports once: the JVM's metrics (memory, GC, threads, CPU) and {@code
   * taskgrid_build_info}. The owner of the registry calls it, once per registry.
   */
  public static void registerProcessMetrics(CollectorRegistry registry) {
    DefaultExports.register(registry);
    BuildInfo.register(registry);
  }

  @Override
  public void resultDropped(String reason) {
    droppedNotHeld.inc();
  }

  @Override
  public void rejected(String code) {
    int r = REJECT_REASONS.indexOf(code);
    rejected[r >= 0 ? r : REJECT_REASONS.size() - 1].inc();
  }

  @Override
  public void typeAnnounced(Pool pool, String type) {
    // The announced pool's series exist (at 0) from the next scrape on.
    types.announce(pool, type).pool(Labels.poolIndex(pool));
  }

  @Override
  public void workerDeclaredDead() {
    declaredDead.inc();
  }

  @Override
  public void strandedRecovered(int count) {
    stranded.inc(count);
  }

  /** The label value a task type is counted under: itself if announced, else "other". */
  public String typeLabel(String type) {
    return types.label(type);
  }

  @Override
  public void submitted(@Nullable Pool pool, String type) {
    types.of(type).pool(Labels.poolIndex(pool)).submitted.inc();
  }

  @Override
  public void started(
      Pool pool, String type, int attempt, long queueWaitMillis, @Nullable String retryReason) {
    PoolSeries s = types.of(type).pool(Labels.poolIndex(pool));
    if (attempt > 1) {
      // A retry's wait would include the earlier attempts' run time: only first leases count.
      int r = retryReason == null ? -1 : RETRY_REASONS.indexOf(retryReason);
      s.retried[r >= 0 ? r : RETRY_REASONS.size() - 1].inc();
    } else {
      s.queueWait.observe(seconds(queueWaitMillis));
    }
  }

  @Override
  public void ended(
      @Nullable Pool pool, String type, Outcome outcome, long runMillis, long latencyMillis) {
    PoolSeries s = types.of(type).pool(Labels.poolIndex(pool));
    s.completed[Labels.outcomeIndex(outcome)].inc();
    if (runMillis >= 0) {
      s.runTime.observe(seconds(runMillis));
    }
    s.latency.observe(seconds(latencyMillis));
  }

  private static double seconds(long millis) {
    return Math.max(0, millis) / 1000.0;
  }
}

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

  private final Counter.Child[] submitted;
  private final Counter.Child[] retried;
  private final Counter.Child[] rejected;
  private final Counter.Child droppedNotHeld;
  private final Counter.Child[][] completed;
  private final Histogram.Child[] queueWait;
  private final Histogram.Child[] runTime;
  private final Histogram.Child[] latency;

  private CoordinatorMetrics(CollectorRegistry registry) {
    Counter submittedC =
        Counter.build(MetricNames.TASKS_SUBMITTED, "Tasks accepted by this coordinator.")
            .labelNames(MetricNames.POOL)
            .withoutExemplars()
            .register(registry);
    Counter retriedC =
        Counter.build(
                MetricNames.TASKS_RETRIED,
                "Attempts started after the first (after a retryable failure or a lost worker).")
            .labelNames(MetricNames.POOL)
            .withoutExemplars()
            .register(registry);
    Counter completedC =
        Counter.build(MetricNames.TASKS_COMPLETED, "Tasks that ended, by final outcome.")
            .labelNames(MetricNames.POOL, MetricNames.OUTCOME)
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
    rejected = new Counter.Child[REJECT_REASONS.size()];
    for (int r = 0; r < REJECT_REASONS.size(); r++) {
      rejected[r] = rejectedC.labels(REJECT_REASONS.get(r).toLowerCase(Locale.ROOT));
    }
    Histogram queueWaitH =
        Histogram.build(
                MetricNames.TASK_QUEUE_WAIT, "Time from acceptance to the first lease to a worker.")
            .labelNames(MetricNames.POOL)
            .buckets(WAIT_BUCKETS)
            .withoutExemplars()
            .register(registry);
    Histogram runTimeH =
        Histogram.build(MetricNames.TASK_RUN_TIME, "Run time of a task's last attempt.")
            .labelNames(MetricNames.POOL)
            .buckets(RUN_BUCKETS)
            .withoutExemplars()
            .register(registry);
    Histogram latencyH =
        Histogram.build(
                MetricNames.TASK_LATENCY, "End-to-end time from acceptance to the final outcome.")
            .labelNames(MetricNames.POOL)
            .buckets(WAIT_BUCKETS)
            .withoutExemplars()
            .register(registry);
    int pools = Labels.POOLS.size();
    submitted = new Counter.Child[pools];
    retried = new Counter.Child[pools];
    completed = new Counter.Child[pools][Labels.OUTCOMES.size()];
    queueWait = new Histogram.Child[pools];
    runTime = new Histogram.Child[pools];
    latency = new Histogram.Child[pools];
    for (int p = 0; p < pools; p++) {
      String pool = Labels.POOLS.get(p);
      // Created up front, so every series exists (at 0) from the first scrape.
      submitted[p] = submittedC.labels(pool);
      retried[p] = retriedC.labels(pool);
      queueWait[p] = queueWaitH.labels(pool);
      runTime[p] = runTimeH.labels(pool);
      latency[p] = latencyH.labels(pool);
      for (int o = 0; o < Labels.OUTCOMES.size(); o++) {
        completed[p][o] = completedC.labels(pool, Labels.outcome(Labels.OUTCOMES.get(o)));
      }
    }
  }

  /** Registers the per-task metrics on {@code registry} (never the default registry). */
  public static CoordinatorMetrics register(CollectorRegistry registry) {
    return new CoordinatorMetrics(registry);
  }

  /** Registers the scrape-time gauges of a scheduler: queue depth, running, workers, live. */
  public static void registerSchedulerGauges(CollectorRegistry registry, Scheduler scheduler) {
    SchedulerGauges.register(registry, scheduler);
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
  public void submitted(@Nullable Pool pool) {
    submitted[Labels.poolIndex(pool)].inc();
  }

  @Override
  public void started(Pool pool, int attempt, long queueWaitMillis) {
    int p = Labels.poolIndex(pool);
    if (attempt > 1) {
      // A retry's wait would include the earlier attempts' run time: only first leases count.
      retried[p].inc();
    } else {
      queueWait[p].observe(seconds(queueWaitMillis));
    }
  }

  @Override
  public void ended(@Nullable Pool pool, Outcome outcome, long runMillis, long latencyMillis) {
    int p = Labels.poolIndex(pool);
    completed[p][Labels.outcomeIndex(outcome)].inc();
    if (runMillis >= 0) {
      runTime[p].observe(seconds(runMillis));
    }
    latency[p].observe(seconds(latencyMillis));
  }

  private static double seconds(long millis) {
    return Math.max(0, millis) / 1000.0;
  }
}

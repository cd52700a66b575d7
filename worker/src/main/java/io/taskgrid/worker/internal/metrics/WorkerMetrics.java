package io.taskgrid.worker.internal.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import io.prometheus.client.hotspot.DefaultExports;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The worker's metrics. Per-task counters are resolved into children once (arrays indexed by pool
 * and outcome): the per-task cost is an array index and a lock-free add. Slot gauges are read from
 * the slot ledger at scrape time.
 */
public final class WorkerMetrics {
  public static final String BUILD_INFO = "taskgrid_build_info";
  public static final String TASKS_COMPLETED = "taskgrid_worker_tasks_completed";
  public static final String SLOTS_USED = "taskgrid_worker_slots_used";
  public static final String SLOTS_FREE = "taskgrid_worker_slots_free";
  public static final String EVENT_LOOP_LAG = "taskgrid_worker_event_loop_lag_seconds";
  public static final String CHILD_RESTARTS = "taskgrid_worker_cpu_child_restarts";
  public static final String COORDINATOR_CONNECTED = "taskgrid_worker_coordinator_connected";
  public static final String COORDINATOR_RECONNECTS = "taskgrid_worker_coordinator_reconnects";
  public static final String CHILD_CPU_SECONDS = "taskgrid_worker_cpu_child_cpu_seconds";
  public static final String CHILD_RSS_BYTES = "taskgrid_worker_cpu_child_rss_bytes";

  /** Why a CPU child was replaced: bounded label values. */
  public enum RestartReason {
    /** The child exited on its own (a crash, an OOM kill, kill -9 from outside). */
    CRASHED,
    /** The worker killed it (hard timeout or forced cancel). */
    KILLED,
    /** The process could not be started at all. */
    START_FAILED,
    /**
     * A task threw an Error (or ran the child out of memory): the child was not trusted further.
     */
    TASK_ERROR;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final List<Outcome> OUTCOMES =
      List.of(
          Outcome.SUCCEEDED,
          Outcome.FAILED,
          Outcome.CANCELLED,
          Outcome.TIMED_OUT,
          Outcome.WORKER_LOST,
          Outcome.REJECTED);

  private static final double[] LAG_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5
  };

  private final Counter.Child[][] completed = new Counter.Child[2][OUTCOMES.size()];
  private final Counter.Child[] restarts = new Counter.Child[RestartReason.values().length];
  private final Histogram lag;
  private final Gauge connected;
  private final Counter reconnects;

  /** The coordinators whose stream is up and answered, for the free-slot gauge. */
  private final Set<String> answered;

  private WorkerMetrics(CollectorRegistry registry, Set<String> answered) {
    this.answered = answered;
    Counter completedC =
        Counter.build(TASKS_COMPLETED, "Tasks this worker ran to an end, by outcome.")
            .labelNames("pool", "outcome")
            .withoutExemplars()
            .register(registry);
    for (Pool p : new Pool[] {Pool.IO, Pool.CPU}) {
      for (int o = 0; o < OUTCOMES.size(); o++) {
        completed[poolIndex(p)][o] =
            completedC.labels(pool(p), OUTCOMES.get(o).name().toLowerCase(Locale.ROOT));
      }
    }
    Counter restartsC =
        Counter.build(CHILD_RESTARTS, "CPU child processes restarted, by reason.")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    for (RestartReason r : RestartReason.values()) {
      restarts[r.ordinal()] = restartsC.labels(r.label());
    }
    connected =
        Gauge.build(
                COORDINATOR_CONNECTED,
                "1 while the stream to a coordinator is up and the coordinator answered, else 0.")
            .labelNames("coordinator")
            .register(registry);
    reconnects =
        Counter.build(
                COORDINATOR_RECONNECTS,
                "Attempts to reopen the stream to a coordinator after it ended or failed to open.")
            .labelNames("coordinator")
            .withoutExemplars()
            .register(registry);
    lag =
        Histogram.build(
                EVENT_LOOP_LAG,
                "How late a timer fires on an I/O event loop (time the loop was busy).")
            .buckets(LAG_BUCKETS)
            .withoutExemplars()
            .register(registry);
  }

  /**
   * Registers the worker's metrics on {@code registry}, with slot gauges read from {@code
   * usedSlots} for pools of the given capacities.
   */
  public static WorkerMetrics register(
      CollectorRegistry registry, Map<Pool, Integer> capacity, ToIntFunction<Pool> usedSlots) {
    Set<String> answered = ConcurrentHashMap.newKeySet();
    registry.register(new SlotGauges(Map.copyOf(capacity), usedSlots, answered));
    return new WorkerMetrics(registry, answered);
  }

  /**
   * Registers the CPU children's CPU time and resident memory, read at scrape time from {@code
   * child} (slot index → its live process, or null) for slots 0 … {@code processes} - 1.
   */
  public static void registerCpuChildren(
      CollectorRegistry registry, int processes, IntFunction<@Nullable ProcessHandle> child) {
    registry.register(new CpuChildGauges(processes, child, Path.of("/proc")));
  }

  /**
   * Registers what a process exports once: the JVM's metrics and {@code taskgrid_build_info}. The
   * owner of the registry calls it, once per registry.
   */
  public static void registerProcessMetrics(CollectorRegistry registry) {
    DefaultExports.register(registry);
    Gauge.build(BUILD_INFO, "Taskgrid build information; the value is always 1.")
        .labelNames("version")
        .register(registry)
        .labels(version())
        .set(1);
  }

  /** A task ended on this worker (any thread; lock-free). */
  public void completed(Pool pool, Outcome outcome) {
    int o = OUTCOMES.indexOf(outcome);
    completed[poolIndex(pool)][o >= 0 ? o : 1].inc();
  }

  /** A CPU child is being replaced. */
  public void childRestarted(RestartReason reason) {
    restarts[reason.ordinal()].inc();
  }

  /** Shows a coordinator's series (0 and not connected) before its first connection. */
  public void coordinatorAdded(String coordinator) {
    connected.labels(coordinator).set(0);
    reconnects.labels(coordinator);
  }

  /** The stream to {@code coordinator} is answered (true) or gone (false). */
  public void coordinatorConnected(String coordinator, boolean up) {
    if (up) {
      answered.add(coordinator);
    } else {
      answered.remove(coordinator);
    }
    connected.labels(coordinator).set(up ? 1 : 0);
  }

  /** The stream to {@code coordinator} is being reopened. */
  public void coordinatorReconnectAttempt(String coordinator) {
    reconnects.labels(coordinator).inc();
  }

  /** One event-loop lag measurement. */
  public void eventLoopLag(double seconds) {
    lag.observe(seconds);
  }

  private static int poolIndex(Pool pool) {
    return pool == Pool.CPU ? 1 : 0;
  }

  private static String pool(Pool pool) {
    return pool.name().toLowerCase(Locale.ROOT);
  }

  private static String version() {
    try (InputStream in =
        WorkerMetrics.class.getResourceAsStream(
            "/META-INF/maven/io.taskgrid/taskgrid-worker/pom.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }

  /** Slots used and free per pool, read from the ledger at scrape time. */
  private static final class SlotGauges extends Collector {
    private final Map<Pool, Integer> capacity;
    private final ToIntFunction<Pool> usedSlots;
    private final Set<String> answered;

    SlotGauges(Map<Pool, Integer> capacity, ToIntFunction<Pool> usedSlots, Set<String> answered) {
      this.capacity = capacity;
      this.usedSlots = usedSlots;
      this.answered = answered;
    }

    @Override
    public List<MetricFamilySamples> collect() {
      GaugeMetricFamily used =
          new GaugeMetricFamily(SLOTS_USED, "Slots running a task.", List.of("pool"));
      GaugeMetricFamily free =
          new GaugeMetricFamily(
              SLOTS_FREE,
              "Slots not running a task (granted or grantable); 0 while no coordinator is"
                  + " connected, as no task can reach them.",
              List.of("pool"));
      // A worker cut off from every coordinator has no slot anyone can use: showing them free
      // would hide the outage (issue 14: 10,000 free slots on a worker pointed at the wrong host).
      boolean reachable = !answered.isEmpty();
      List<Pool> pools = new ArrayList<>(capacity.keySet());
      pools.sort(null);
      for (Pool p : pools) {
        int u = usedSlots.applyAsInt(p);
        used.addMetric(List.of(pool(p)), u);
        free.addMetric(List.of(pool(p)), reachable ? Math.max(0, capacity.get(p) - u) : 0);
      }
      return List.of(used, free);
    }
  }
}

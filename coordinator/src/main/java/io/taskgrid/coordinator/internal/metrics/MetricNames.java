package io.taskgrid.coordinator.internal.metrics;

/**
 * Every metric name the coordinator exports (docs/METRICS.md describes them). Counters are named
 * without {@code _total}: simpleclient appends it in the exposition.
 */
public final class MetricNames {
  public static final String BUILD_INFO = "taskgrid_build_info";
  public static final String TASKS_SUBMITTED = "taskgrid_tasks_submitted";
  public static final String TASKS_REJECTED = "taskgrid_tasks_rejected";
  public static final String TASKS_COMPLETED = "taskgrid_tasks_completed";
  public static final String TASKS_RETRIED = "taskgrid_tasks_retried";
  public static final String RESULTS_DROPPED = "taskgrid_results_dropped";
  public static final String TASK_QUEUE_WAIT = "taskgrid_task_queue_wait_seconds";
  public static final String TASK_RUN_TIME = "taskgrid_task_run_seconds";
  public static final String TASK_LATENCY = "taskgrid_task_latency_seconds";
  public static final String QUEUE_DEPTH = "taskgrid_queue_depth";
  public static final String TASKS_RUNNING = "taskgrid_tasks_running";
  public static final String TASKS_LIVE = "taskgrid_tasks_live";
  public static final String WORKERS_CONNECTED = "taskgrid_workers_connected";
  public static final String CLUSTER_MEMBERS = "taskgrid_cluster_members";
  public static final String RETAINED_RECORDS = "taskgrid_retained_records";
  public static final String RETAINED_BYTES = "taskgrid_retained_bytes";
  public static final String RETAINED_MAX_RECORDS = "taskgrid_retained_max_records";
  public static final String RETAINED_MAX_BYTES = "taskgrid_retained_max_bytes";
  public static final String PARTITIONS_LOST = "taskgrid_store_partitions_lost";
  public static final String OLDEST_QUEUED_AGE = "taskgrid_oldest_queued_task_age_seconds";
  public static final String LONGEST_RUNNING_AGE = "taskgrid_longest_running_task_age_seconds";
  public static final String QUEUED_WITHOUT_WORKER = "taskgrid_tasks_queued_without_worker";
  public static final String HELD_BY_TYPE_LIMIT = "taskgrid_tasks_held_by_type_limit";
  public static final String STORE_OPERATION = "taskgrid_store_operation_seconds";
  public static final String STORE_PARTITION_OPERATIONS = "taskgrid_store_partition_operations";
  public static final String STORE_WRITES_WAITING = "taskgrid_store_writes_waiting_records";
  public static final String STORE_WRITES_IN_FLIGHT = "taskgrid_store_writes_in_flight";
  public static final String WORKERS_DECLARED_DEAD = "taskgrid_workers_declared_dead";
  public static final String TASKS_STRANDED = "taskgrid_tasks_stranded";
  public static final String SERVING = "taskgrid_coordinator_serving";
  public static final String FENCES = "taskgrid_coordinator_fences";

  public static final String POOL = "pool";
  public static final String OUTCOME = "outcome";
  public static final String REASON = "reason";
  public static final String TYPE = "type";
  public static final String OPERATION = "operation";
  public static final String MAP = "map";
  public static final String KIND = "kind";

  private MetricNames() {}
}

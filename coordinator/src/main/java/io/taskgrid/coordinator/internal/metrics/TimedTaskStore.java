package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;
import io.taskgrid.coordinator.internal.store.Retained;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * A task store that times each operation, from the call to the completion of its stage, into {@code
 * taskgrid_store_operation_seconds{operation}}. Store operations are batched (one per scheduler
 * step or submit batch, not one per task), so the cost is one clock read and one observation per
 * batch.
 */
public final class TimedTaskStore implements TaskStore {
  /** Bucket bounds in seconds: 100 µs (in memory) to 10 s (a cluster migrating partitions). */
  static final double[] BUCKETS = {
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10
  };

  private final TaskStore store;
  private final LongSupplier nanos;
  private final Histogram.Child create;
  private final Histogram.Child get;
  private final Histogram.Child getAll;
  private final Histogram.Child update;
  private final Histogram.Child complete;
  private final Histogram.Child completeLeases;
  private final Histogram.Child claimOrphans;
  private final Histogram.Child jobRecords;
  private final Histogram.Child ownedLiveIds;

  private TimedTaskStore(TaskStore store, CollectorRegistry registry, LongSupplier nanos) {
    this.store = store;
    this.nanos = nanos;
    Histogram h =
        Histogram.build(
                MetricNames.STORE_OPERATION,
                "Time a task store operation (one batch) took, from the call to its completion.")
            .labelNames(MetricNames.OPERATION)
            .buckets(BUCKETS)
            .withoutExemplars()
            .register(registry);
    create = h.labels("create");
    get = h.labels("get");
    getAll = h.labels("get_all");
    update = h.labels("update");
    complete = h.labels("complete");
    completeLeases = h.labels("complete_leases");
    claimOrphans = h.labels("claim_orphans");
    jobRecords = h.labels("job_records");
    ownedLiveIds = h.labels("owned_live_ids");
  }

  /** Wraps {@code store}; its histogram is registered on {@code registry}. */
  public static TaskStore wrap(TaskStore store, CollectorRegistry registry) {
    return new TimedTaskStore(store, registry, System::nanoTime);
  }

  /** As {@link #wrap(TaskStore, CollectorRegistry)}, with the given clock (for tests). */
  static TimedTaskStore wrap(TaskStore store, CollectorRegistry registry, LongSupplier nanos) {
    return new TimedTaskStore(store, registry, nanos);
  }

  /**
   * The stage's outcome, passed on exactly as it came (the same exception object, not wrapped
   * again), once the time is observed.
   */
  private <T> CompletionStage<T> timed(Histogram.Child h, CompletionStage<T> stage, long start) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (v, e) -> {
          h.observe((nanos.getAsLong() - start) / 1e9);
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(v);
          }
        });
    return out;
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    long start = nanos.getAsLong();
    return timed(create, store.createAll(records), start);
  }

  @Override
  public CompletionStage<Optional<TaskInfo>> get(String taskId) {
    long start = nanos.getAsLong();
    return timed(get, store.get(taskId), start);
  }

  @Override
  public CompletionStage<Map<String, TaskInfo>> getAll(Collection<String> taskIds) {
    long start = nanos.getAsLong();
    return timed(getAll, store.getAll(taskIds), start);
  }

  @Override
  public CompletionStage<Void> updateAll(Collection<TaskInfo> records) {
    long start = nanos.getAsLong();
    return timed(update, store.updateAll(records), start);
  }

  @Override
  public CompletionStage<Void> completeAll(Collection<TaskInfo> records) {
    long start = nanos.getAsLong();
    return timed(complete, store.completeAll(records), start);
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records) {
    long start = nanos.getAsLong();
    return timed(complete, store.completeFirst(records), start);
  }

  @Override
  public Completing completing(List<TaskInfo> records) {
    long start = nanos.getAsLong();
    Completing c = store.completing(records);
    return new Completing(c.standing(), timed(complete, c.whole(), start));
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports) {
    long start = nanos.getAsLong();
    return timed(completeLeases, store.completeLeases(reports), start);
  }

  @Override
  public CompletionStage<List<TaskInfo>> claimOrphans(Set<String> liveOwners, String newOwner) {
    long start = nanos.getAsLong();
    return timed(claimOrphans, store.claimOrphans(liveOwners, newOwner), start);
  }

  @Override
  public Retained retained() {
    return store.retained();
  }

  @Override
  public Map<String, Long> partitionOperations() {
    return store.partitionOperations();
  }

  @Override
  public CompletionStage<List<TaskInfo>> jobRecords(String jobId) {
    long start = nanos.getAsLong();
    return timed(jobRecords, store.jobRecords(jobId), start);
  }

  @Override
  public CompletionStage<List<String>> ownedLiveIds(String owner) {
    long start = nanos.getAsLong();
    return timed(ownedLiveIds, store.ownedLiveIds(owner), start);
  }

  @Override
  public void close() {
    store.close();
  }
}

package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.coordinator.internal.concurrent.SerialExecutor;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Accepted tasks whose pool is not known yet (no worker has ever announced their type). They wait
 * here, owned by one serial executor, until a worker announcing the type connects; then they move
 * to that pool's scheduler. A task's {@code pool} is set here before it moves, so a cancel that
 * finds it gone can follow it.
 */
final class UnresolvedTasks {
  private final SerialExecutor executor;
  private final TaskTypes types;
  private final Clock clock;
  private final BiConsumer<Pool, List<LiveTask>> forward;
  private final SchedulerSink sink;
  private final JobStats jobs;
  private final Map<String, LiveTask> waiting = new LinkedHashMap<>();

  UnresolvedTasks(
      SerialExecutor executor,
      TaskTypes types,
      Clock clock,
      BiConsumer<Pool, List<LiveTask>> forward,
      SchedulerSink sink,
      JobStats jobs) {
    this.executor = executor;
    this.types = types;
    this.clock = clock;
    this.forward = forward;
    this.sink = sink;
    this.jobs = jobs;
  }

  void add(List<LiveTask> tasks) {
    executor.execute(
        () -> {
          for (LiveTask t : tasks) {
            if (t.state == TaskState.QUEUED) { // else cancelled between register and dispatch
              waiting.put(t.id(), t);
            }
          }
          release();
        });
  }

  /** Called after a worker announced types: moves every task whose pool is now known. */
  void typesChanged() {
    executor.execute(this::release);
  }

  void cancel(
      LiveTask task,
      boolean force,
      CompletableFuture<CancelOutcome.Result> outcome,
      Map<Pool, PoolScheduler> pools) {
    executor.execute(
        () -> {
          // Not yet added (registered, its dispatch still to come) counts as waiting here: the
          // add that follows skips it.
          boolean notYetAdded = task.pool == null && task.state == TaskState.QUEUED;
          if (waiting.remove(task.id()) != null || notYetAdded) {
            task.state = TaskState.DONE;
            TaskResult r =
                task.stamp(TaskResult.newBuilder())
                    .setOutcome(Outcome.CANCELLED)
                    .setError(
                        TaskError.newBuilder()
                            .setType("Cancelled")
                            .setMessage("cancelled while queued"))
                    .setFinishedUnixMs(clock.millis())
                    .build();
            jobs.completed(task.jobId(), Outcome.CANCELLED, false);
            sink.completed(List.of(task), List.of(task.done(r)));
            outcome.complete(CancelOutcome.Result.REMOVED_FROM_QUEUE);
            return;
          }
          Pool pool = task.pool;
          PoolScheduler owner = pool == null ? null : pools.get(pool);
          if (owner == null) {
            outcome.complete(CancelOutcome.Result.ALREADY_FINISHED);
          } else {
            owner.cancel(task, force, outcome);
          }
        });
  }

  /** What waits here (every type is without a worker: none was ever announced). */
  CompletableFuture<PoolSnapshot> snapshot() {
    CompletableFuture<PoolSnapshot> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          long oldest = Long.MAX_VALUE;
          Map<String, Integer> byType = new java.util.HashMap<>();
          for (LiveTask t : waiting.values()) {
            oldest = Math.min(oldest, t.submittedMillis);
            byType.merge(t.spec.getType(), 1, Integer::sum);
          }
          f.complete(
              new PoolSnapshot(
                  waiting.size(), 0, oldest == Long.MAX_VALUE ? -1 : oldest, -1, byType));
        });
    return f;
  }

  private void release() {
    Map<Pool, List<LiveTask>> moved = new LinkedHashMap<>();
    for (Iterator<LiveTask> it = waiting.values().iterator(); it.hasNext(); ) {
      LiveTask t = it.next();
      Pool pool = types.poolOf(t.spec.getType());
      if (pool != null) {
        it.remove();
        t.pool = pool;
        moved.computeIfAbsent(pool, p -> new ArrayList<>()).add(t);
      }
    }
    moved.forEach(forward);
  }
}

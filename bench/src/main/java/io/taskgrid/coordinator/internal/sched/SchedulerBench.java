package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.coordinator.internal.concurrent.SerialExecutor;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The coordinator's per-task scheduling work without gRPC or a store: {@link FairQueue} add and
 * poll, and {@link PoolScheduler} enqueue, dispatch (lease) and completion of a batch of tasks on a
 * serial executor that runs inline. Per task.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SchedulerBench {
  static final int BATCH = 1_000;

  private List<LiveTask> specs;
  private FairQueue<LiveTask> queue;
  private PoolScheduler scheduler;
  private DiscardingLink link;
  private long round;

  /** A worker link that keeps only the last batch (what the worker would be sent). */
  static final class DiscardingLink implements WorkerLink {
    List<Assignment> last = List.of();

    @Override
    public void sendAssignments(List<Assignment> assignments) {
      last = assignments;
    }

    @Override
    public void sendCancels(CancelTasks cancels) {}

    @Override
    public void sendDrain() {}

    @Override
    public void sendReconcile(List<String> taskIds) {}

    @Override
    public void sendDemand(io.taskgrid.proto.v1.PoolDemand demand) {}
  }

  /** A sink that drops the state changes (the store's share is measured by StoreBench). */
  static final class DiscardingSink implements SchedulerSink {
    long leased;
    long completed;

    @Override
    public void resultDropped(String reason) {}

    @Override
    public void leased(List<TaskInfo> running) {
      leased += running.size();
    }

    @Override
    public void completed(List<LiveTask> tasks, List<TaskInfo> done) {
      completed += done.size();
    }

    @Override
    public void forgotten(LiveTask task) {}

    @Override
    public void started(Pool pool, LiveTask task) {}
  }

  @Setup
  public void setUp() {
    specs = newTasks(0);
    queue = new FairQueue<>(LiveTask::priority, LiveTask::jobId);
    link = new DiscardingLink();
    scheduler =
        new PoolScheduler(
            Pool.IO,
            new SerialExecutor("bench", Runnable::run),
            Clock.systemUTC(),
            new DiscardingSink(),
            new JobStats(),
            new TypeLimits(Map.of()),
            new RetryBackoff(() -> 0.5));
    WorkerHello hello =
        WorkerHello.newBuilder()
            .setWorkerId("w1")
            .addPools(
                PoolSpec.newBuilder()
                    .setPool(Pool.IO)
                    .setCapacity(Integer.MAX_VALUE)
                    .addHandlers("noop"))
            .build();
    scheduler.addWorker(new WorkerHandle(hello, link, 0L), hello.getPools(0));
    scheduler.credits("w1", Integer.MAX_VALUE);
  }

  private static List<LiveTask> newTasks(long round) {
    List<LiveTask> tasks = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      TaskSpec spec =
          TaskSpec.newBuilder()
              .setId("t-" + round + "-" + i)
              .setJobId("job-" + (i % 4))
              .setType("noop")
              .setPool(Pool.IO)
              .build();
      tasks.add(new LiveTask(spec, 0L, Pool.IO));
    }
    return tasks;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void fairQueueAddPoll(Blackhole bh) {
    for (LiveTask t : specs) {
      queue.add(t);
    }
    for (int i = 0; i < BATCH; i++) {
      bh.consume(queue.poll());
    }
  }

  /** Enqueue a batch, which the pump leases at once, then complete every task with a result. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void enqueueDispatchComplete(Blackhole bh) {
    List<LiveTask> tasks = newTasks(++round);
    scheduler.enqueue(tasks);
    List<TaskResult> results = new ArrayList<>(BATCH);
    for (Assignment a : link.last) {
      results.add(
          TaskResult.newBuilder()
              .setTaskId(a.getSpec().getId())
              .setAttempt(a.getAttempt())
              .setOutcome(Outcome.SUCCEEDED)
              .build());
    }
    scheduler.results("w1", results);
    scheduler.credits("w1", BATCH);
    bh.consume(results);
  }
}

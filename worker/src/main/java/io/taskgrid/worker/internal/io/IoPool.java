package io.taskgrid.worker.internal.io;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.internal.Executors2;
import io.taskgrid.worker.internal.NamedThreadFactory;
import io.taskgrid.worker.internal.Results;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;

/**
 * The I/O pool: a few single-threaded event loops ({@code taskgrid-worker-io-N}) that run
 * non-blocking handlers, tasks spread round-robin across them, and a bounded pool ({@code
 * taskgrid-worker-blocking-N}) for handlers that block. Thread-safe.
 *
 * <p>The pool does not bound the number of tasks itself: the worker's credits do.
 */
public final class IoPool implements AutoCloseable {
  private final List<ScheduledExecutorService> loops = new ArrayList<>();
  private final ExecutorService blocking;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final Map<String, IoTask> running = new ConcurrentHashMap<>();
  private final Clock clock;
  private final String workerId;
  private final List<EventLoopLagProbe> lagProbes = new ArrayList<>();

  /** How often each event loop's lag is sampled. */
  static final long LAG_PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** A pool with {@code loopThreads} event loops and {@code blockingThreads} blocking threads. */
  public IoPool(int loopThreads, int blockingThreads, Clock clock, String workerId) {
    this(loopThreads, blockingThreads, clock, workerId, System::nanoTime, lag -> {});
  }

  /**
   * A pool whose event loops report their lag to {@code lagSeconds}, measured with {@code ticker}
   * (nanoseconds, for example {@code System::nanoTime}).
   */
  public IoPool(
      int loopThreads,
      int blockingThreads,
      Clock clock,
      String workerId,
      LongSupplier ticker,
      DoubleConsumer lagSeconds) {
    this.clock = clock;
    this.workerId = workerId;
    NamedThreadFactory loopThreadsFactory = new NamedThreadFactory("taskgrid-worker-io", true);
    for (int i = 0; i < loopThreads; i++) {
      ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1, loopThreadsFactory);
      // Cancelled sleeps must not stay in the timer queue until they would have fired.
      loop.setRemoveOnCancelPolicy(true);
      loops.add(loop);
      EventLoopLagProbe probe =
          new EventLoopLagProbe(loop, ticker, LAG_PROBE_INTERVAL_NANOS, lagSeconds);
      lagProbes.add(probe);
      probe.start();
    }
    this.blocking =
        new ThreadPoolExecutor(
            blockingThreads,
            blockingThreads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreadFactory("taskgrid-worker-blocking", true));
    ((ThreadPoolExecutor) blocking).allowCoreThreadTimeOut(true);
  }

  /**
   * Starts a task; {@code done} receives its one result, on any thread. A running attempt of the
   * same task id is stale (the coordinator re-assigned the task) and is cancelled first.
   */
  public void start(Assignment assignment, TaskHandler<?, ?> handler, Consumer<TaskResult> done) {
    start(assignment, handler, p -> {}, done);
  }

  /** As above, with {@code progress} receiving the handler's progress reports (non-blocking). */
  public void start(
      Assignment assignment,
      TaskHandler<?, ?> handler,
      Consumer<TaskProgress> progress,
      Consumer<TaskResult> done) {
    ScheduledExecutorService loop =
        loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
    IoTask task;
    try {
      task = new IoTask(assignment, handler, loop, clock, workerId, done, running, progress);
    } catch (RuntimeException e) {
      long now = clock.millis();
      done.accept(Results.internalError(Results.base(assignment, workerId, now, now), e));
      return;
    }
    IoTask stale = running.put(assignment.getSpec().getId(), task);
    if (stale != null) {
      stale.stop(Outcome.CANCELLED);
    }
    try {
      (handler.blocking() ? blocking : loop).execute(task::run);
    } catch (RejectedExecutionException e) {
      task.lost("the worker is shutting down");
    }
  }

  /** Stops a running task, reporting {@code outcome}; unknown ids are ignored. */
  public void cancel(String taskId, Outcome outcome) {
    IoTask task = running.get(taskId);
    if (task != null) {
      task.stop(outcome);
    }
  }

  /** The number of tasks started and not yet ended. */
  public int running() {
    return running.size();
  }

  /** Cancels what runs (without reporting) and stops the threads. */
  @Override
  public void close() {
    lagProbes.forEach(EventLoopLagProbe::stop);
    for (IoTask task : List.copyOf(running.values())) {
      task.abandon();
    }
    blocking.shutdown();
    for (ScheduledExecutorService loop : loops) {
      Executors2.shutdown(loop, Duration.ofSeconds(1));
    }
    Executors2.shutdown(blocking, Duration.ofSeconds(1));
  }

  /** Exposed for {@link IoTask}: builds a WORKER_LOST result. */
  static TaskResult lostResult(TaskResult.Builder base, String why) {
    return Results.ended(base, Outcome.WORKER_LOST, "WorkerShutdown", why, true);
  }
}

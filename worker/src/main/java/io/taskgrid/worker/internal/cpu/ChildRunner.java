package io.taskgrid.worker.internal.cpu;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.ChildRequest;
import io.taskgrid.proto.v1.ChildResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.WorkerOptions;
import io.taskgrid.worker.internal.HandlerRegistry;
import io.taskgrid.worker.internal.NamedThreadFactory;
import io.taskgrid.worker.internal.Payloads;
import io.taskgrid.worker.internal.ProgressCoalescer;
import io.taskgrid.worker.internal.Results;
import io.taskgrid.worker.internal.TaskContexts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The child side of the CPU protocol: runs one task at a time on its task thread and reports its
 * result; a cancel marks the task and interrupts that thread. The result of a cancelled task is the
 * outcome the agent asked for, whatever the handler did.
 *
 * <p>Every {@link Throwable} of a task ends it {@code FAILED} with the error's type and message.
 * After an {@link Error} the result carries {@code retiring} and the child then ends itself (see
 * {@link ChildMain#EXIT_RETIRED}): the agent starts a fresh child in its slot.
 */
final class ChildRunner {
  private final HandlerRegistry registry;
  private final OutputStream frames;
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService taskThread =
      Executors.newSingleThreadExecutor(new NamedThreadFactory("taskgrid-child-task", true));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          new NamedThreadFactory("taskgrid-child-timer", true));
  private final Object lock = new Object();

  /** Ends this child after a task threw an Error (its result already sent). */
  private final Runnable retire;

  /** The running task's latest progress, written to the agent at most every interval. */
  private final ProgressCoalescer<String> progress =
      new ProgressCoalescer<>(
          (route, updates) ->
              updates.forEach(p -> send(ChildResponse.newBuilder().setProgress(p).build())));

  // Guarded by lock.
  private @Nullable Running current;

  ChildRunner(HandlerRegistry registry, OutputStream frames, Runnable retire) {
    this.registry = registry;
    this.frames = frames;
    this.retire = retire;
    timer.scheduleWithFixedDelay(
        this::flushProgress,
        WorkerOptions.PROGRESS_INTERVAL_MILLIS,
        WorkerOptions.PROGRESS_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private void flushProgress() {
    try {
      progress.flush();
    } catch (UncheckedIOException e) {
      // The agent is gone; the child exits when its stdin closes.
    }
  }

  void handle(ChildRequest request) {
    switch (request.getKindCase()) {
      case RUN:
        // Registered here, on the reader thread, so that a cancel read right after it finds it.
        Assignment assignment = request.getRun();
        Running running =
            new Running(
                assignment.getSpec().getId(),
                new TaskContexts(
                    assignment, Runnable::run, timer, clock, p -> progress.report("", p)));
        synchronized (lock) {
          current = running;
        }
        taskThread.execute(() -> run(assignment, running));
        break;
      case CANCEL:
        cancel(request.getCancel().getTaskIdsList(), request.getCancel().getOutcome());
        break;
      default:
        // A newer agent's request: nothing to do.
    }
  }

  void send(ChildResponse response) {
    synchronized (frames) {
      try {
        response.writeDelimitedTo(frames);
        frames.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("the agent's pipe is closed", e);
      }
    }
  }

  void close() {
    taskThread.shutdownNow();
    timer.shutdownNow();
  }

  private void run(Assignment assignment, Running running) {
    try {
      runChecked(assignment, running);
    } catch (Throwable t) { // our own code failed: the task must still get a result
      // Reached only if building or sending the result failed (for example an OutOfMemoryError
      // while the handler still holds the heap): this child is not trustworthy any more. Try to
      // report the task, then retire; if even that fails the agent sees the exit and reports the
      // task lost, as after kill -9.
      try {
        send(
            ChildResponse.newBuilder()
                .setResult(minimalFailure(assignment, t))
                .setRetiring(true)
                .build());
      } finally {
        retire.run();
      }
    }
  }

  private void runChecked(Assignment assignment, Running running) {
    boolean cancelledEarly;
    synchronized (lock) {
      running.thread = Thread.currentThread();
      cancelledEarly = running.stopOutcome != null;
    }
    long started = clock.millis();
    TaskResult result =
        cancelledEarly ? TaskResult.getDefaultInstance() : execute(assignment, running, started);
    Outcome stop;
    synchronized (lock) {
      if (current == running) {
        current = null;
      }
      stop = running.stopOutcome;
    }
    Thread.interrupted(); // A late cancel must not leak into the next task.
    progress.forget(running.taskId);
    if (stop != null) {
      result = Results.stopped(Results.base(assignment, "", started, clock.millis()), stop);
    }
    send(ChildResponse.newBuilder().setResult(result).setRetiring(running.retiring).build());
    if (running.retiring) {
      retire.run();
    }
  }

  @SuppressWarnings("unchecked") // The handler's input codec made the value.
  private TaskResult execute(Assignment assignment, Running running, long started) {
    Optional<TaskHandler<?, ?>> found =
        registry.find(assignment.getSpec().getType()).filter(h -> h.pool() == TaskPool.CPU);
    if (found.isEmpty()) {
      return Results.ended(
          Results.base(assignment, "", started, clock.millis()),
          Outcome.REJECTED,
          Results.UNKNOWN_TASK_TYPE,
          "no CPU handler named '" + assignment.getSpec().getType() + "' in the child",
          false);
    }
    TaskHandler<Object, ?> handler = (TaskHandler<Object, ?>) found.get();
    try {
      Object input = Payloads.decode(handler.inputCodec(), assignment.getSpec().getPayload());
      CompletionStage<?> stage = handler.run(input, running.context);
      Object output = stage.toCompletableFuture().get();
      return Results.succeeded(
          Results.base(assignment, "", started, clock.millis()),
          Payloads.encode(handler.outputCodec(), output));
    } catch (Throwable e) { // every failure of a task, Errors included, ends it FAILED
      // InterruptedException included: a cancel interrupted the task, and run() reports the
      // outcome the agent asked for instead of this failure. After an Error (OutOfMemoryError,
      // StackOverflowError, a half-initialised class, ...) the child's state cannot be trusted:
      // it reports the failure and retires.
      if (Results.unwrap(e) instanceof Error) {
        running.retiring = true;
      }
      return Results.failed(Results.base(assignment, "", started, clock.millis()), e);
    }
  }

  /** A failure result that needs almost no memory: no stack trace. */
  private TaskResult minimalFailure(Assignment assignment, Throwable error) {
    long now = clock.millis();
    return Results.ended(
        Results.base(assignment, "", now, now),
        Outcome.FAILED,
        error.getClass().getName(),
        String.valueOf(error.getMessage()),
        false);
  }

  private void cancel(Iterable<String> taskIds, Outcome outcome) {
    Running r;
    synchronized (lock) {
      r = current;
      if (r == null || !contains(taskIds, r.taskId) || r.stopOutcome != null) {
        return;
      }
      r.stopOutcome =
          outcome == Outcome.OUTCOME_UNSPECIFIED || outcome == Outcome.UNRECOGNIZED
              ? Outcome.CANCELLED
              : outcome;
      // Interrupt under the lock: run() clears current under it, so this cannot hit the next task.
      if (r.thread != null) {
        r.thread.interrupt();
      }
    }
    r.context.cancel();
  }

  private static boolean contains(Iterable<String> ids, String id) {
    for (String s : ids) {
      if (s.equals(id)) {
        return true;
      }
    }
    return false;
  }

  private static final class Running {
    final String taskId;
    final TaskContexts context;
    @Nullable Thread thread;
    @Nullable Outcome stopOutcome;

    /** The task threw an Error: the child exits after reporting it. Task thread only. */
    boolean retiring;

    Running(String taskId, TaskContexts context) {
      this.taskId = taskId;
      this.context = context;
    }
  }
}

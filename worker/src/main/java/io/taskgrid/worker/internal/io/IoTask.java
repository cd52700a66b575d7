package io.taskgrid.worker.internal.io;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.internal.Payloads;
import io.taskgrid.worker.internal.Results;
import io.taskgrid.worker.internal.TaskContexts;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of an I/O task. The first of handler completion, timeout and cancel wins ({@link
 * #ended}); later ones are no-ops.
 */
final class IoTask {
  private final Assignment assignment;
  private final TaskHandler<?, ?> handler;
  private final ScheduledExecutorService loop;
  private final Clock clock;
  private final String workerId;
  private final Consumer<TaskResult> done;
  private final Map<String, IoTask> running;
  private final TaskContexts context;
  private final long startedMs;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile @Nullable CompletionStage<?> stage;
  private volatile @Nullable Future<?> timeout;

  IoTask(
      Assignment assignment,
      TaskHandler<?, ?> handler,
      ScheduledExecutorService loop,
      Clock clock,
      String workerId,
      Consumer<TaskResult> done,
      Map<String, IoTask> running,
      Consumer<TaskProgress> progress) {
    this.assignment = assignment;
    this.handler = handler;
    this.loop = loop;
    this.clock = clock;
    this.workerId = workerId;
    this.done = done;
    this.running = running;
    this.context = new TaskContexts(assignment, loop, loop, clock, progress);
    this.startedMs = clock.millis();
  }

  /** Runs the handler (on an event loop, or on the blocking pool for blocking handlers). */
  void run() {
    try {
      start();
    } catch (RuntimeException | Error e) {
      // A bug of ours (the handler's own failures are caught in start()): the task still ends,
      // and its slot is freed.
      end(Results.internalError(base(), e));
    }
  }

  @SuppressWarnings("unchecked") // The handler's input codec made the value.
  private void start() {
    if (ended.get()) {
      return;
    }
    Instant deadline = context.deadline().orElse(null);
    if (deadline != null) {
      long remainingMs = deadline.toEpochMilli() - clock.millis();
      if (remainingMs <= 0) {
        stop(Outcome.TIMED_OUT);
        return;
      }
      timeout = loop.schedule(() -> stop(Outcome.TIMED_OUT), remainingMs, TimeUnit.MILLISECONDS);
    }
    CompletionStage<?> result;
    try {
      Object input = Payloads.decode(handler.inputCodec(), assignment.getSpec().getPayload());
      result = ((TaskHandler<Object, ?>) handler).run(input, context);
    } catch (Exception | LinkageError e) {
      end(Results.failed(base(), e));
      return;
    }
    if (result == null) {
      end(Results.failed(base(), new NullPointerException(handler.name() + " returned null")));
      return;
    }
    stage = result;
    result.whenComplete(
        (value, error) -> {
          if (error != null) {
            end(Results.failed(base(), error));
            return;
          }
          try {
            end(Results.succeeded(base(), Payloads.encode(handler.outputCodec(), value)));
          } catch (RuntimeException e) {
            end(Results.failed(base(), e));
          }
        });
    if (ended.get()) {
      // A cancel raced with the start: make sure the handler's stage hears about it.
      result.toCompletableFuture().cancel(true);
    }
  }

  /** Cancels the handler and reports {@code outcome} (CANCELLED or TIMED_OUT). */
  void stop(Outcome outcome) {
    if (end(Results.stopped(base(), outcome))) {
      signalCancel();
    }
  }

  /** Reports the task as lost: it could not run. */
  void lost(String why) {
    end(IoPool.lostResult(base(), why));
  }

  /** Cancels the handler without reporting anything (the worker is closing). */
  void abandon() {
    if (ended.compareAndSet(false, true)) {
      running.remove(assignment.getSpec().getId(), this);
      signalCancel();
    }
  }

  private void signalCancel() {
    context.cancel();
    CompletionStage<?> s = stage;
    if (s != null) {
      s.toCompletableFuture().cancel(true);
    }
  }

  private boolean end(TaskResult result) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    Future<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
    running.remove(assignment.getSpec().getId(), this);
    done.accept(result);
    return true;
  }

  private TaskResult.Builder base() {
    return Results.base(assignment, workerId, startedMs, clock.millis());
  }
}

package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.worker.TaskContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The {@link TaskContext} of one attempt, shared by the I/O pool and the CPU child. */
public final class TaskContexts implements TaskContext {
  private final Assignment assignment;
  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final @Nullable Instant deadline;
  private final Consumer<TaskProgress> progress;
  private final Object lock = new Object();
  private @Nullable List<Runnable> callbacks = new ArrayList<>();
  private volatile boolean cancelled;

  /**
   * A context that runs callbacks on {@code executor} and timers on {@code timer}; its deadline is
   * the earlier of the run timeout (from now, by {@code clock}) and the task's deadline.
   */
  public TaskContexts(
      Assignment assignment, Executor executor, ScheduledExecutorService timer, Clock clock) {
    this(assignment, executor, timer, clock, p -> {});
  }

  /** As above, with {@code progress} receiving the handler's progress reports (must not block). */
  public TaskContexts(
      Assignment assignment,
      Executor executor,
      ScheduledExecutorService timer,
      Clock clock,
      Consumer<TaskProgress> progress) {
    this.assignment = assignment;
    this.executor = executor;
    this.timer = timer;
    this.deadline = deadline(assignment, clock);
    this.progress = progress;
  }

  /**
   * The end of the attempt: the earlier of start + timeout_ms and deadline_unix_ms, if any. The sum
   * saturates: a timeout of {@code Long.MAX_VALUE} ms ends at {@code Instant.ofEpochMilli(MAX)},
   * which every caller can still turn into milliseconds.
   */
  public static @Nullable Instant deadline(Assignment assignment, Clock clock) {
    long timeoutMs = assignment.getSpec().getTimeoutMs();
    long deadlineMs = assignment.getSpec().getDeadlineUnixMs();
    Instant end = null;
    if (timeoutMs > 0) {
      end = Instant.ofEpochMilli(Saturating.add(clock.millis(), timeoutMs));
    }
    if (deadlineMs > 0) {
      Instant d = Instant.ofEpochMilli(deadlineMs);
      end = end == null || d.isBefore(end) ? d : end;
    }
    return end;
  }

  @Override
  public String taskId() {
    return assignment.getSpec().getId();
  }

  @Override
  public int attempt() {
    return assignment.getAttempt();
  }

  @Override
  public Map<String, String> labels() {
    return assignment.getSpec().getLabelsMap();
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  /** Marks the task cancelled and runs the registered callbacks (once). */
  public void cancel() {
    List<Runnable> toRun;
    synchronized (lock) {
      cancelled = true;
      toRun = callbacks;
      callbacks = null;
    }
    // Callbacks run outside the lock: they are handler code.
    if (toRun != null) {
      toRun.forEach(Runnable::run);
    }
  }

  @Override
  public void reportProgress(double fraction, String message) {
    if (cancelled) {
      return;
    }
    progress.accept(
        ProgressCoalescer.progress(taskId(), attempt(), fraction, message == null ? "" : message));
  }

  @Override
  public void onCancel(Runnable callback) {
    synchronized (lock) {
      if (callbacks != null) {
        callbacks.add(callback);
        return;
      }
    }
    callback.run();
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public CompletionStage<Void> delay(Duration delay) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ScheduledFuture<?> tick =
        // A delay past ~292 years saturates: the timer never fires, and a cancel still ends it.
        timer.schedule(() -> done.complete(null), Saturating.toNanos(delay), TimeUnit.NANOSECONDS);
    onCancel(
        () -> {
          tick.cancel(false);
          done.cancel(false);
        });
    return done;
  }
}

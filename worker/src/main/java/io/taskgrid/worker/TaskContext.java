package io.taskgrid.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** What a handler knows about the task it runs. Thread-safe. */
public interface TaskContext {

  /** The task's id. */
  String taskId();

  /** The attempt (1-based) being run. */
  int attempt();

  /** The task's labels. */
  Map<String, String> labels();

  /** Whether the task was cancelled or timed out; the handler should stop soon. */
  boolean isCancelled();

  /**
   * Reports how far the task is: {@code fraction} from 0 to 1 (clamped; {@link Double#NaN} when
   * only the message says something) and a short message (at most 256 characters are kept). The
   * client sees it on {@code TaskFuture.onProgress}. Cheap and never blocking: only the latest
   * report of a task is kept and sent at most every {@value
   * io.taskgrid.worker.WorkerOptions#PROGRESS_INTERVAL_MILLIS} ms, so call it as often as useful.
   * Ignored once the task is cancelled.
   */
  void reportProgress(double fraction, String message);

  /**
   * Runs {@code callback} once when the task is cancelled or times out (at once if it already was).
   * The callback must be quick and must not block.
   */
  void onCancel(Runnable callback);

  /**
   * When the attempt must end (the run timeout or the task's deadline, whichever comes first), if
   * there is one.
   */
  Optional<Instant> deadline();

  /**
   * The executor of the task: for an I/O task its event loop (never block on it); for a CPU task a
   * direct executor that runs each command at once on the calling thread.
   */
  Executor executor();

  /**
   * A stage completed after {@code delay} by a timer, without holding a thread; it is cancelled
   * with the task.
   */
  CompletionStage<Void> delay(Duration delay);
}

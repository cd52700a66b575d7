package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The future result of one submitted task, as {@code asyncio.Task} is for a coroutine.
 *
 * <p>It completes with the decoded output, or exceptionally with exactly one of {@link
 * TaskFailedException}, {@link TaskTimedOutException}, {@link WorkerLostException}, {@link
 * TaskRejectedException}, {@link TaskCancelledException} (or a plain {@link TaskException} when the
 * client is closed first). Completion callbacks run on the client's callback threads ({@code
 * taskgrid-client-callback-N}); do not block in them for long, or use the {@code *Async} variants.
 *
 * <p>{@link #cancel(boolean)} reaches the coordinator: the task is removed from the queue or
 * stopped on its worker, and this future completes at once with {@link TaskCancelledException}.
 * {@link #cancelAsync(boolean)} instead returns what the coordinator did, and this future then ends
 * with the task's real outcome.
 *
 * <p>Derived stages ({@code thenApply}, ...) are plain {@link CompletableFuture}s: cancelling one
 * of them does not cancel the task.
 *
 * @param <T> the output type
 */
public class TaskFuture<T> extends CompletableFuture<T> {
  /** Sends cancels for a future; implemented by the client. */
  interface Canceller {
    CompletableFuture<CancelOutcome> cancel(String taskId, boolean force);
  }

  private final String taskId;
  private final Canceller canceller;
  private volatile @Nullable TaskResultInfo resultInfo;

  TaskFuture(String taskId, Canceller canceller) {
    this.taskId = requireNonNull(taskId, "taskId");
    this.canceller = requireNonNull(canceller, "canceller");
  }

  /** The task's id. */
  public String taskId() {
    return taskId;
  }

  /**
   * Cancels the task on the cluster and completes this future with {@link TaskCancelledException}.
   *
   * @param mayInterruptIfRunning {@code true} kills a running CPU task at once instead of after the
   *     grace period
   * @return whether this call cancelled the future (false if it had completed already)
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (isDone()) {
      return false;
    }
    canceller.cancel(taskId, mayInterruptIfRunning);
    return completeExceptionally(
        new TaskCancelledException(taskId, "task " + taskId + " cancelled by this client"));
  }

  /**
   * Asks the coordinator to cancel the task and returns its answer. This future is not completed
   * here: it ends with the task's real outcome ({@link TaskCancelledException} when the cancel took
   * effect).
   *
   * @param force kill a running CPU task at once instead of after the grace period
   */
  public CompletableFuture<CancelOutcome> cancelAsync(boolean force) {
    return canceller.cancel(taskId, force);
  }

  /** Where and when the task ran, once it has ended with a result from the coordinator. */
  public Optional<TaskResultInfo> resultInfo() {
    return Optional.ofNullable(resultInfo);
  }

  void setResultInfo(TaskResultInfo info) {
    this.resultInfo = info;
  }

  /**
   * Waits and returns the result.
   *
   * @throws TaskCancelledException if the task was cancelled (on every JDK: since JDK 23 {@link
   *     CompletableFuture} wraps the stored cancellation in a new one, which would hide the task
   *     id)
   */
  @Override
  public T get() throws InterruptedException, ExecutionException {
    try {
      return super.get();
    } catch (CancellationException e) {
      throw unwrap(e);
    }
  }

  /** As {@link #get()}, within {@code timeout}. */
  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return super.get(timeout, unit);
    } catch (CancellationException e) {
      throw unwrap(e);
    }
  }

  /** As {@link #get()}, with failures unchecked. */
  @Override
  public T join() {
    try {
      return super.join();
    } catch (CancellationException e) {
      throw unwrap(e);
    }
  }

  /** As {@link #join()}, or {@code valueIfAbsent} while not done. */
  @Override
  public T getNow(T valueIfAbsent) {
    try {
      return super.getNow(valueIfAbsent);
    } catch (CancellationException e) {
      throw unwrap(e);
    }
  }

  private static CancellationException unwrap(CancellationException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TaskCancelledException cancelled) {
        return cancelled;
      }
    }
    return e;
  }

  /** Derived stages are plain futures: cancelling them must not cancel the remote task. */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  @Override
  public String toString() {
    return "TaskFuture[" + taskId + ", " + super.toString() + "]";
  }
}

package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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
 * <p>Several futures may be bound to one task: a resubmit of a pending id with the same spec
 * returns a new future for the same task (see {@link TaskgridClient#submit(TaskType, Object,
 * TaskOptions)}). They complete with the same outcome, each decoded on its own. Cancelling one of
 * them cancels the task: that one completes at once, the others when the coordinator reports the
 * cancel (with {@link TaskCancelledException}, or with the real outcome if the task had already
 * ended).
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

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TaskFuture.class);

  private final String taskId;
  private final Canceller canceller;
  private volatile @Nullable TaskResultInfo resultInfo;
  private volatile @Nullable Progress latestProgress;
  private final List<Consumer<? super Progress>> progressListeners = new CopyOnWriteArrayList<>();

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

  /**
   * Calls {@code listener} with each progress report of the task that reaches this client, on the
   * client's callback threads (keep it short; never block there). A listener added after a report
   * was received gets the latest one at once. Reports stop when the future completes. A listener
   * that throws is ignored for that report.
   *
   * @return this future, for chaining
   */
  public TaskFuture<T> onProgress(Consumer<? super Progress> listener) {
    requireNonNull(listener, "listener");
    progressListeners.add(listener);
    Progress last = latestProgress;
    if (last != null && !isDone()) {
      notify(listener, last);
    }
    return this;
  }

  /** The latest progress report received for the task, if any. */
  public Optional<Progress> latestProgress() {
    return Optional.ofNullable(latestProgress);
  }

  /** Called by the client on its callback threads, in the order reports arrive. */
  void progress(Progress p) {
    if (isDone()) {
      return;
    }
    latestProgress = p;
    for (Consumer<? super Progress> l : progressListeners) {
      notify(l, p);
    }
  }

  private static void notify(Consumer<? super Progress> listener, Progress p) {
    try {
      listener.accept(p);
    } catch (RuntimeException e) {
      // A listener's bug must not stop the others; progress is informational only.
      log.debug("A progress listener threw", e);
    }
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

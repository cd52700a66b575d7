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
 * <p><b>Cancelling tells the truth.</b> {@link #cancel(boolean)} sends a cancel to the coordinator
 * and returns at once, but this future is not completed locally: it ends with the outcome the
 * coordinator records. If the cancel took effect (the task was removed from the queue, stopped on
 * its worker, or had not been registered yet, in which case the coordinator holds the cancel until
 * it is), the future fails with {@link TaskCancelledException} and {@link #isCancelled()} is true.
 * If the task had already ended ({@code ALREADY_FINISHED}), the future keeps the real result (a
 * value, or the real failure) and {@link #isCancelled()} stays false. {@link #isCancelled()} is
 * true only when the task's outcome is {@code CANCELLED}. {@link #cancelAsync(boolean)} does the
 * same and also returns what the coordinator did.
 *
 * <p><b>Deviation from {@link java.util.concurrent.Future#cancel}.</b> That contract says that
 * after {@code cancel} returns true, {@code isDone()} is true at once. Here the future completes
 * when the coordinator answers (one round trip), because completing it earlier would report a
 * cancel that may not have happened. {@code cancel} returns true when the cancel was sent and this
 * future was not known to be too late (not done yet); false when it had completed already. {@code
 * get()} after {@code cancel} waits for that answer.
 *
 * <p>Several futures may be bound to one task: a resubmit of a pending id with the same spec
 * returns a new future for the same task (see {@link TaskgridClient#submit(TaskType, Object,
 * TaskOptions)}). They complete with the same outcome, each decoded on its own. Cancelling one of
 * them cancels the task, and all of them end with the outcome the coordinator records.
 *
 * <p>Derived stages ({@code thenApply}, ...) are plain {@link CompletableFuture}s: cancelling one
 * of them does not cancel the task (several stages may depend on one task). They remember the task
 * they come from, though: {@link Futures#waitFor} on a derived stage cancels that task when it
 * times out, as {@code asyncio.wait_for} cancels what it awaits.
 *
 * <p>{@link #complete}, {@link #completeExceptionally} and {@link #obtrudeValue} are for the client
 * only: a caller completing a task future would hide the task's real outcome; they throw {@link
 * UnsupportedOperationException} when called from outside the SDK.
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
   * Sends a cancel for the task and returns at once; this future then ends with the outcome the
   * coordinator records ({@link TaskCancelledException} if the cancel took effect, the real result
   * if the task had already ended). See the class comment for how this differs from {@link
   * java.util.concurrent.Future#cancel}.
   *
   * @param mayInterruptIfRunning {@code true} kills a running CPU task's child process at once
   *     instead of after the worker's grace period
   * @return true if the cancel was sent and this future was not done yet (so not known to be too
   *     late); false if it had completed already
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (isDone()) {
      return false;
    }
    canceller.cancel(taskId, mayInterruptIfRunning);
    return true;
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

  /**
   * Derived stages are plain futures (cancelling them does not cancel the remote task) that
   * remember the task they depend on, for {@link Futures#waitFor}.
   */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new DerivedFuture<>(List.of(this));
  }

  /** Completes with the task's value (the client only: see the class comment). */
  boolean completeFromCluster(T value) {
    return super.complete(value);
  }

  /** Completes with the task's failure (the client only: see the class comment). */
  boolean failFromCluster(Throwable error) {
    return super.completeExceptionally(error);
  }

  /**
   * Not for callers: a task future completes only with the task's outcome.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public boolean complete(T value) {
    throw new UnsupportedOperationException(
        "a TaskFuture completes only with its task's outcome; derive a stage or cancel the task");
  }

  /**
   * Not for callers: a task future completes only with the task's outcome.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw new UnsupportedOperationException(
        "a TaskFuture completes only with its task's outcome; use cancel() to cancel the task");
  }

  /**
   * Not for callers.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void obtrudeValue(T value) {
    throw new UnsupportedOperationException("a TaskFuture completes only with its task's outcome");
  }

  /**
   * Not for callers.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException("a TaskFuture completes only with its task's outcome");
  }

  /**
   * Not for callers.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public CompletableFuture<T> completeAsync(
      java.util.function.Supplier<? extends T> supplier, java.util.concurrent.Executor executor) {
    throw new UnsupportedOperationException("a TaskFuture completes only with its task's outcome");
  }

  /**
   * Not for callers.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
    throw new UnsupportedOperationException(
        "a TaskFuture completes only with its task's outcome; use Futures.waitFor or orTimeout on"
            + " a derived stage");
  }

  /**
   * Not for callers: use {@link Futures#waitFor}, which cancels the task on timeout.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
    throw new UnsupportedOperationException(
        "a TaskFuture completes only with its task's outcome; use Futures.waitFor(future, timeout)");
  }

  @Override
  public String toString() {
    return "TaskFuture[" + taskId + ", " + super.toString() + "]";
  }
}

package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Structured concurrency for tasks, as {@code asyncio.TaskGroup}: submit through the group, and the
 * group ends when every task has ended. The first failure cancels the other tasks; the group then
 * throws a {@link TaskGroupException} listing every failure the cluster recorded (like {@code
 * ExceptionGroup}; the cancellations are not failures).
 *
 * <p><b>The {@code run} form</b> (preferred) behaves exactly like {@code async with TaskGroup()}:
 * if the body throws, the children are cancelled at once, and the {@link TaskGroupException} lists
 * the body's exception and the children's failures, in the order they happened.
 *
 * <pre>{@code
 * List<String> out = client.newGroup().run(g -> {
 *   TaskFuture<String> a = g.submit(TaskTypes.ECHO, "a");
 *   TaskFuture<String> b = g.submit(TaskTypes.ECHO, "b");
 *   return List.of(a, b);
 * }).stream().map(TaskFuture::join).toList();
 * }</pre>
 *
 * <p><b>The try form</b> {@code try (TaskGroup g = client.newGroup()) { ... }} waits in {@link
 * #close()}. Its limit: Java runs {@code close()} before any {@code catch}, and {@code close()}
 * cannot see an exception thrown by the block, so when the block throws, the children are not
 * cancelled at once: {@code close()} waits for them, and the block's exception reaches the caller
 * after they end (with their failures suppressed into it, as try-with-resources does). Use {@code
 * run}, or call {@link #cancel()} in a {@code catch} inside the block, when the block may throw.
 *
 * <p><b>Cancellation.</b> {@link #cancel()} cancels every child on the cluster; the group then ends
 * with {@link CancellationException} (as a cancelled {@code TaskGroup} raises {@code
 * CancelledError}) unless a child failed, in which case {@link TaskGroupException}. A child that
 * the user cancels ({@code future.cancel(..)}) does not fail the group, as in asyncio. If the
 * thread waiting in {@code close()} or {@code run} is interrupted, the children are cancelled and a
 * {@link CancellationException} whose cause is the {@link InterruptedException} is thrown at once,
 * with the thread's interrupt flag set again.
 *
 * <p><b>Nesting.</b> A group made with {@link #newGroup()} is a child of this one: when it fails,
 * this group fails too (its children are cancelled and its exception lists the inner {@link
 * TaskGroupException}), as an inner {@code TaskGroup}'s error propagates through the outer one's
 * body. Cancelling the outer group cancels the inner groups' tasks.
 *
 * <p>Thread-safe; {@code close} (or {@code run}) is called once, by the owner.
 */
public final class TaskGroup implements AutoCloseable {
  /** The body of {@link #run}. */
  @FunctionalInterface
  public interface Body<R> {
    /** Submits the group's tasks (and may do anything else); its result is returned by run. */
    R apply(TaskGroup group) throws Exception;
  }

  private final TaskgridClient client;
  private final @Nullable TaskGroup parent;
  private final ConcurrentLinkedQueue<TaskFuture<?>> futures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<TaskGroup> children = new ConcurrentLinkedQueue<>();

  /** Stages that complete after the group's callback has run for each task. */
  private final ConcurrentLinkedQueue<CompletableFuture<?>> watched = new ConcurrentLinkedQueue<>();

  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  /** Set once the group is aborting: a failure, a body's exception or {@link #cancel()}. */
  private final AtomicBoolean aborting = new AtomicBoolean();

  private volatile boolean cancelledByUser;
  private volatile boolean closed;

  TaskGroup(TaskgridClient client) {
    this(client, null);
  }

  private TaskGroup(TaskgridClient client, @Nullable TaskGroup parent) {
    this.client = requireNonNull(client, "client");
    this.parent = parent;
  }

  /** Submits a task into the group. */
  public <I, O> TaskFuture<O> submit(TaskType<I, O> type, I input) {
    return submit(type, input, TaskOptions.getDefaultInstance());
  }

  /**
   * Submits a task into the group.
   *
   * @throws IllegalStateException if the group is closed or is aborting (failed or cancelled)
   */
  public <I, O> TaskFuture<O> submit(TaskType<I, O> type, I input, TaskOptions options) {
    checkOpen();
    TaskFuture<O> future = client.submit(type, input, options);
    track(future);
    return future;
  }

  /** Submits one task per input into the group, in order. */
  public <I, O> List<TaskFuture<O>> map(TaskType<I, O> type, Iterable<? extends I> inputs) {
    checkOpen();
    List<TaskFuture<O>> mapped = client.map(type, inputs);
    mapped.forEach(this::track);
    return mapped;
  }

  /**
   * A group nested in this one: its failure fails this group too, and cancelling this group cancels
   * it. Close it (or use its {@code run}) inside this group's body.
   */
  public TaskGroup newGroup() {
    checkOpen();
    TaskGroup child = new TaskGroup(client, this);
    children.add(child);
    if (aborting.get()) {
      child.cancelChildren();
    }
    return child;
  }

  /**
   * Runs {@code body} and then waits for every task of the group, as {@code async with
   * asyncio.TaskGroup() as g: body(g)}. If the body throws, every child is cancelled at once and
   * the group ends with a {@link TaskGroupException} listing the body's exception and every failure
   * of a child.
   *
   * @return the body's result, once every task has ended without failure
   * @throws TaskGroupException if the body threw or a task failed; it lists every failure
   * @throws CancellationException if the group was cancelled (or the waiting thread interrupted)
   */
  public <R> R run(Body<R> body) {
    requireNonNull(body, "body");
    R result;
    try {
      result = body.apply(this);
    } catch (Exception | Error e) {
      abort(e);
      awaitChildren();
      throw failed(List.copyOf(failures));
    }
    close();
    return result;
  }

  /**
   * Cancels every task of the group (and of its nested groups) on the cluster. The group then ends
   * with {@link CancellationException}, or with {@link TaskGroupException} if a task failed anyway.
   * Returns at once; idempotent.
   */
  public void cancel() {
    cancelledByUser = true;
    if (aborting.compareAndSet(false, true)) {
      cancelChildren();
    }
  }

  /**
   * Waits until every task of the group has ended.
   *
   * @throws TaskGroupException if any task failed; it lists every failure
   * @throws CancellationException if the group was cancelled, or the thread was interrupted while
   *     waiting (then the tasks were cancelled, the cause is the {@link InterruptedException} and
   *     the interrupt flag is set again)
   */
  @Override
  public void close() {
    closed = true;
    awaitChildren();
    List<Throwable> seen = List.copyOf(failures);
    if (!seen.isEmpty()) {
      throw failed(seen);
    }
    if (cancelledByUser) {
      throw new CancellationException("task group cancelled");
    }
  }

  /** The group's exception; a nested group's failure fails its parent too. */
  private TaskGroupException failed(List<Throwable> seen) {
    TaskGroupException e = new TaskGroupException(seen);
    if (parent != null) {
      parent.abort(e);
    }
    return e;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("task group is closed");
    }
    if (aborting.get()) {
      throw new IllegalStateException(
          "task group is " + (failures.isEmpty() ? "cancelled" : "failing: " + failures.peek()));
    }
  }

  private void track(TaskFuture<?> future) {
    futures.add(future);
    CompletableFuture<?> stage =
        future.whenComplete(
            (value, error) -> {
              if (error == null) {
                return;
              }
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              // A cancelled child is never a failure: either the group cancelled it (because of a
              // failure, which is recorded) or the user did, which asyncio does not count either.
              if (cause instanceof CancellationException) {
                return;
              }
              abort(cause);
            });
    watched.add(stage);
    if (aborting.get()) {
      future.cancel(false);
    }
  }

  /** Records a failure and, on the first, cancels every child. */
  private void abort(Throwable failure) {
    failures.add(failure);
    if (aborting.compareAndSet(false, true)) {
      cancelChildren();
    }
  }

  private void cancelChildren() {
    for (TaskFuture<?> f : futures) {
      if (!f.isDone()) {
        f.cancel(false);
      }
    }
    for (TaskGroup g : children) {
      g.cancelChildren();
    }
  }

  /** Waits for every child's callback; on interrupt cancels them and throws at once. */
  private void awaitChildren() {
    // Join the callback stages, not the futures: a future's join can return before the group's
    // callback on it has recorded the failure. New tasks cannot join once closed or aborting.
    while (true) {
      List<CompletableFuture<?>> now = new ArrayList<>(watched);
      try {
        CompletableFuture.allOf(now.toArray(CompletableFuture<?>[]::new))
            .exceptionally(e -> null)
            .get();
      } catch (InterruptedException e) {
        cancel();
        Thread.currentThread().interrupt();
        CancellationException c =
            new CancellationException("interrupted while waiting for the task group; cancelled it");
        c.initCause(e);
        throw c;
      } catch (ExecutionException e) {
        // Not thrown: failures were mapped to null above and are recorded by the callbacks.
      }
      if (now.size() == watched.size()) {
        return;
      }
    }
  }
}

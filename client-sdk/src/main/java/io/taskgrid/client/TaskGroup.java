package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Structured concurrency for tasks, as {@code asyncio.TaskGroup}: submit through the group, and
 * {@link #close()} waits for every task. The first failure cancels the other tasks; {@code close}
 * then throws a {@link TaskGroupException} listing every failure (the cancellations the group
 * caused are not failures).
 *
 * <pre>{@code
 * try (TaskGroup group = client.newGroup()) {
 *   TaskFuture<String> a = group.submit(TaskTypes.ECHO, "a");
 *   TaskFuture<Long> b = group.submit(TaskTypes.SLEEP, 100L);
 * } // both done here, or TaskGroupException
 * }</pre>
 *
 * <p>Thread-safe; {@code close} must be called once, by the owner.
 */
public final class TaskGroup implements AutoCloseable {
  private final TaskgridClient client;
  private final ConcurrentLinkedQueue<TaskFuture<?>> futures = new ConcurrentLinkedQueue<>();

  /** Stages that complete after the group's callback has run for each task. */
  private final ConcurrentLinkedQueue<CompletableFuture<?>> watched = new ConcurrentLinkedQueue<>();

  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean failed = new AtomicBoolean();
  private volatile boolean closed;

  TaskGroup(TaskgridClient client) {
    this.client = requireNonNull(client, "client");
  }

  /** Submits a task into the group. */
  public <I, O> TaskFuture<O> submit(TaskType<I, O> type, I input) {
    return submit(type, input, TaskOptions.getDefaultInstance());
  }

  /**
   * Submits a task into the group.
   *
   * @throws IllegalStateException if the group is closed or has already failed
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

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("task group is closed");
    }
    if (failed.get()) {
      throw new IllegalStateException("task group has failed: " + failures.peek());
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
              // A cancel the group caused is the consequence of a failure, not one more failure.
              if (cause instanceof CancellationException && failed.get()) {
                return;
              }
              failures.add(cause);
              if (failed.compareAndSet(false, true)) {
                cancelAll();
              }
            });
    watched.add(stage);
    if (failed.get()) {
      future.cancel(false);
    }
  }

  private void cancelAll() {
    for (TaskFuture<?> f : futures) {
      f.cancel(false);
    }
  }

  /**
   * Waits until every task of the group has ended.
   *
   * @throws TaskGroupException if any task failed; it lists every failure
   */
  @Override
  public void close() {
    closed = true;
    // Join the callback stages, not the futures: a future's join can return before the group's
    // callback on it has recorded the failure.
    for (CompletableFuture<?> f : new ArrayList<>(watched)) {
      try {
        f.join();
      } catch (CompletionException | CancellationException e) {
        // Recorded by the completion callback.
      }
    }
    List<Throwable> seen = List.copyOf(failures);
    if (!seen.isEmpty()) {
      throw new TaskGroupException(seen);
    }
  }
}

package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Composes futures the way Python's {@code asyncio} does: {@link #gather}, {@link #gatherSettled},
 * {@link #asCompleted}, {@link #wait} and {@link #waitFor}. Works with any {@link
 * CompletableFuture}; with {@link TaskFuture}s, {@link #waitFor} cancels the remote task.
 */
public final class Futures {
  private Futures() {}

  /**
   * All values in input order, or the first failure as soon as it happens (fail fast, as {@code
   * asyncio.gather}). The other futures are left running; cancel them if they are not wanted. The
   * returned future fails with the original exception (for example {@link TaskFailedException}),
   * not a wrapper.
   *
   * <p>Cancelling the returned future cancels every input that is not done yet (a {@link
   * TaskFuture} on the cluster), as cancelling {@code asyncio.gather} cancels its children; {@link
   * #waitFor} on it does the same on timeout.
   */
  public static <T> CompletableFuture<List<T>> gather(
      List<? extends CompletableFuture<? extends T>> futures) {
    requireNonNull(futures, "futures");
    List<CompletableFuture<? extends T>> inputs = List.copyOf(futures);
    CompletableFuture<List<T>> all = new GatherFuture<>(inputs);
    int n = futures.size();
    Object[] values = new Object[n];
    AtomicInteger remaining = new AtomicInteger(n);
    if (n == 0) {
      all.complete(List.of());
      return all;
    }
    for (int i = 0; i < n; i++) {
      int index = i;
      futures
          .get(i)
          .whenComplete(
              (value, error) -> {
                if (error != null) {
                  all.completeExceptionally(unwrap(error));
                  return;
                }
                values[index] = value;
                if (remaining.decrementAndGet() == 0) {
                  all.complete(valuesAsList(values));
                }
              });
    }
    return all;
  }

  /**
   * Every outcome in input order once all futures are done, as {@code asyncio.gather(...,
   * return_exceptions=True)}; never completes exceptionally.
   */
  public static <T> CompletableFuture<List<Settled<T>>> gatherSettled(
      List<? extends CompletableFuture<? extends T>> futures) {
    requireNonNull(futures, "futures");
    List<CompletableFuture<Settled<T>>> settled = new ArrayList<>(futures.size());
    for (CompletableFuture<? extends T> f : futures) {
      settled.add(
          f.handle(
              (value, error) ->
                  error == null
                      ? new Settled<T>(value, null)
                      : new Settled<T>(null, unwrap(error))));
    }
    return CompletableFuture.allOf(settled.toArray(CompletableFuture<?>[]::new))
        .thenApply(ignored -> settled.stream().map(CompletableFuture::join).toList());
  }

  /** The futures in completion order, waiting as long as needed (see {@link AsCompleted}). */
  public static <F extends CompletableFuture<?>> AsCompleted<F> asCompleted(
      Iterable<? extends F> futures) {
    return new AsCompleted<>(requireNonNull(futures, "futures"), null);
  }

  /**
   * The futures in completion order; {@link AsCompleted#next()} throws {@link TimeoutException}
   * (saying how many are pending) once {@code timeout} has passed since this call.
   */
  public static <F extends CompletableFuture<?>> AsCompleted<F> asCompleted(
      Iterable<? extends F> futures, Duration timeout) {
    return new AsCompleted<>(
        requireNonNull(futures, "futures"), requireNonNull(timeout, "timeout"));
  }

  /**
   * Waits until the condition holds or the timeout passes, then returns which futures are done and
   * which are pending (as {@code asyncio.wait}). Never cancels anything.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public static <F extends CompletableFuture<?>> DoneAndPending<F> wait(
      List<? extends F> futures, ReturnWhen returnWhen, Duration timeout)
      throws InterruptedException {
    requireNonNull(futures, "futures");
    requireNonNull(returnWhen, "returnWhen");
    requireNonNull(timeout, "timeout");
    CompletableFuture<Void> trigger = new CompletableFuture<>();
    AtomicInteger remaining = new AtomicInteger(futures.size());
    if (futures.isEmpty()) {
      trigger.complete(null);
    }
    for (F f : futures) {
      f.whenComplete(
          (value, error) -> {
            boolean allDone = remaining.decrementAndGet() == 0;
            boolean fire =
                switch (returnWhen) {
                  case FIRST_COMPLETED -> true;
                  // As asyncio and concurrent.futures: a cancelled future is not an exception.
                  case FIRST_EXCEPTION ->
                      (error != null && !(unwrap(error) instanceof CancellationException))
                          || allDone;
                  case ALL_COMPLETED -> allDone;
                };
            if (fire) {
              trigger.complete(null);
            }
          });
    }
    try {
      trigger.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Timed out: report what is done so far. (The trigger never fails.)
    }
    Set<F> done = new LinkedHashSet<>();
    Set<F> pending = new LinkedHashSet<>();
    for (F f : futures) {
      (f.isDone() ? done : pending).add(f);
    }
    return new DoneAndPending<>(done, pending);
  }

  /**
   * The future's value, waiting at most {@code timeout}; on timeout the work behind the future is
   * cancelled and {@link TimeoutException} is thrown, as {@code asyncio.wait_for}. What is
   * cancelled:
   *
   * <ul>
   *   <li>a {@link TaskFuture}: its task, on the cluster, forcibly;
   *   <li>a stage derived from a task future ({@code f.thenApply(..)}, ...) or a {@link #gather} of
   *       task futures: the future and every task it depends on;
   *   <li>any other future: only the future itself ({@code CompletableFuture.cancel} stops no
   *       work); the exception's message says so, so that the limit cannot go unnoticed.
   * </ul>
   *
   * @throws ExecutionException if the future failed; the cause is the task's exception
   * @throws java.util.concurrent.CancellationException if the future was cancelled
   * @throws InterruptedException if interrupted while waiting (the future is left running)
   */
  public static <T> T waitFor(CompletableFuture<T> future, Duration timeout)
      throws TimeoutException, ExecutionException, InterruptedException {
    requireNonNull(future, "future");
    requireNonNull(timeout, "timeout");
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      String what;
      if (future instanceof TaskFuture<?> t) {
        t.cancel(true);
        what = "task " + t.taskId() + " did not complete within " + timeout + "; cancelled it";
      } else if (future instanceof DerivedFuture<?> d) {
        d.tasks().forEach(t -> t.cancel(true));
        future.cancel(true);
        what =
            "future did not complete within "
                + timeout
                + "; cancelled it and the "
                + d.tasks().size()
                + " task(s) it depends on";
      } else {
        future.cancel(true);
        what =
            "future did not complete within "
                + timeout
                + "; cancelled the future only: it is not derived from task futures, so no task"
                + " was cancelled";
      }
      throw new TimeoutException(what);
    }
  }

  /** The future of {@link #gather}: its cancel cancels the inputs. */
  private static final class GatherFuture<T> extends DerivedFuture<List<T>> {
    private final List<? extends CompletableFuture<?>> inputs;

    GatherFuture(List<? extends CompletableFuture<?>> inputs) {
      super(taskFuturesOf(inputs));
      this.inputs = inputs;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        for (CompletableFuture<?> f : inputs) {
          if (!f.isDone()) {
            f.cancel(mayInterruptIfRunning);
          }
        }
      }
      return cancelled;
    }
  }

  private static List<TaskFuture<?>> taskFuturesOf(List<? extends CompletableFuture<?>> inputs) {
    List<TaskFuture<?>> tasks = new ArrayList<>();
    for (CompletableFuture<?> f : inputs) {
      if (f instanceof TaskFuture<?> t) {
        tasks.add(t);
      } else if (f instanceof DerivedFuture<?> d) {
        tasks.addAll(d.tasks());
      }
    }
    return tasks;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> valuesAsList(Object[] values) {
    List<T> list = new ArrayList<>(values.length);
    for (Object v : values) {
      list.add((T) v);
    }
    return java.util.Collections.unmodifiableList(list);
  }
}

package io.taskgrid.client;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Futures in the order they complete, as {@code asyncio.as_completed}; a future listed twice is
 * yielded once. Each future enqueues itself when it completes, so taking the next one is O(1):
 * nothing rescans the set.
 *
 * <p>Use {@link #next()} to take them one by one, or iterate (the iterator blocks; with a timeout
 * it throws {@link java.util.concurrent.CompletionException} wrapping a {@link TimeoutException}).
 * Not thread-safe: one consumer.
 *
 * @param <F> the future type
 */
public final class AsCompleted<F extends CompletableFuture<?>> implements Iterable<F> {
  private final BlockingQueue<F> completed = new LinkedBlockingQueue<>();
  private final int total;
  private final @Nullable Duration timeout;
  private final long deadlineNanos;
  private int taken;

  AsCompleted(Iterable<? extends F> futures, @Nullable Duration timeout) {
    // A future given twice is yielded once, as asyncio.as_completed does (it takes a set).
    java.util.Set<F> distinct =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    int n = 0;
    for (F f : futures) {
      if (distinct.add(f)) {
        n++;
        f.whenComplete((v, e) -> completed.add(f));
      }
    }
    this.total = n;
    this.timeout = timeout;
    // Time here only bounds a wait, so System.nanoTime is the right source (no clock to inject).
    this.deadlineNanos = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
  }

  /** Whether futures remain to be taken. */
  public boolean hasNext() {
    return taken < total;
  }

  /** How many futures have not been taken yet. */
  public int remaining() {
    return total - taken;
  }

  /**
   * The next future to complete (already done), waiting for it if needed.
   *
   * @throws NoSuchElementException if every future was taken
   * @throws TimeoutException if the overall timeout passed first; says how many are pending
   * @throws InterruptedException if interrupted while waiting
   */
  public F next() throws TimeoutException, InterruptedException {
    if (!hasNext()) {
      throw new NoSuchElementException("all " + total + " futures were taken");
    }
    F f;
    if (timeout == null) {
      f = completed.take();
    } else {
      f = completed.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (f == null) {
        throw new TimeoutException(
            remaining() + " of " + total + " futures still pending after " + timeout);
      }
    }
    taken++;
    return f;
  }

  /** Iterates in completion order, blocking in {@code next()}. */
  @Override
  public Iterator<F> iterator() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return AsCompleted.this.hasNext();
      }

      @Override
      public F next() {
        try {
          return AsCompleted.this.next();
        } catch (TimeoutException e) {
          throw new java.util.concurrent.CompletionException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.util.concurrent.CompletionException(e);
        }
      }
    };
  }
}

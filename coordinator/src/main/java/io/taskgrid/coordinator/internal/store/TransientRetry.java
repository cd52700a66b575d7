package io.taskgrid.coordinator.internal.store;

import com.hazelcast.core.HazelcastOverloadException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.RetryableException;
import io.taskgrid.coordinator.internal.concurrent.AsyncErrors;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats an idempotent store write that failed for a reason that passes: a member so loaded that
 * the operation did not start within Hazelcast's call timeout, an overloaded member, a partition
 * migrating or a member leaving. Without it a result the store could not take in time was dropped
 * (the client was told, the store kept the task live with nobody running it): a 30-minute soak on a
 * machine at load 25-45 logged 241 "Could not store results" and left 13,696 tasks unended.
 *
 * <p>Delays double from {@code first} to {@code max} and the attempts go on while {@code stopped}
 * is false. Every continuation, the final one included, runs on {@code executor}: a write failing
 * by timeout completes on a Hazelcast partition thread, which must not run our code.
 */
final class TransientRetry {
  private static final Logger log = LoggerFactory.getLogger(TransientRetry.class);

  private final Executor executor;
  private final Duration first;
  private final Duration max;
  private final BooleanSupplier stopped;
  private final AtomicLong retries = new AtomicLong();

  TransientRetry(Executor executor, Duration first, Duration max, BooleanSupplier stopped) {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("expected 0 < first <= max, got " + first + ", " + max);
    }
    this.executor = executor;
    this.first = first;
    this.max = max;
    this.stopped = stopped;
  }

  /** Whether {@code error} (or what it wraps) is worth another attempt of the same write. */
  static boolean isTransient(Throwable error) {
    Throwable e = AsyncErrors.unwrap(error);
    return e instanceof OperationTimeoutException
        || e instanceof HazelcastOverloadException
        || e instanceof RetryableException;
  }

  /** Retries made so far (for metrics and tests). */
  long retries() {
    return retries.get();
  }

  /** Runs {@code write} until it succeeds, fails for good, or the store stops. */
  <T> CompletableFuture<T> run(String what, Supplier<CompletionStage<T>> write) {
    CompletableFuture<T> out = new CompletableFuture<>();
    attempt(what, write, out, 1, first.toMillis(), false);
    return out;
  }

  /**
   * Runs {@code write} until it succeeds or the store stops, whatever the failure: for the second
   * half of a two-step write whose first half cannot be undone (see
   * HazelcastTaskStore#completeLeases), where giving up would lose the record.
   */
  <T> CompletableFuture<T> runUntilStopped(String what, Supplier<CompletionStage<T>> write) {
    CompletableFuture<T> out = new CompletableFuture<>();
    attempt(what, write, out, 1, first.toMillis(), true);
    return out;
  }

  private <T> void attempt(
      String what,
      Supplier<CompletionStage<T>> write,
      CompletableFuture<T> out,
      int attempt,
      long delayMillis,
      boolean anyFailure) {
    CompletionStage<T> stage;
    try {
      stage = write.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenCompleteAsync(
        (value, error) -> {
          if (error == null) {
            if (attempt > 1) {
              log.info("{}: stored after {} attempts", what, attempt);
            }
            out.complete(value);
          } else if (!(anyFailure || isTransient(error)) || stopped.getAsBoolean()) {
            out.completeExceptionally(error);
          } else {
            retries.incrementAndGet();
            log.warn(
                "{}: attempt {} failed ({}); retrying in {} ms",
                what,
                attempt,
                firstLine(error),
                delayMillis);
            CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS, executor)
                .execute(
                    () ->
                        attempt(
                            what,
                            write,
                            out,
                            attempt + 1,
                            Math.min(delayMillis * 2, max.toMillis()),
                            anyFailure));
          }
        },
        executor);
  }

  private static String firstLine(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = String.valueOf(e.getMessage());
    int cut = message.indexOf('.');
    return e.getClass().getSimpleName() + ": " + (cut > 0 ? message.substring(0, cut) : message);
  }
}

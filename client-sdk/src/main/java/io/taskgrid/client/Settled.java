package io.taskgrid.client;

import org.jspecify.annotations.Nullable;

/**
 * One future's outcome in {@link Futures#gatherSettled}: a value or an error, never both (as {@code
 * asyncio.gather(..., return_exceptions=True)}).
 *
 * @param value the value when the future succeeded (may itself be {@code null})
 * @param error the exception when it failed or was cancelled ({@link TaskException} or {@link
 *     TaskCancelledException} for task futures), else {@code null}
 * @param <T> the value type
 */
public record Settled<T>(@Nullable T value, @Nullable Throwable error) {
  /** Whether the future completed normally. */
  public boolean succeeded() {
    return error == null;
  }
}

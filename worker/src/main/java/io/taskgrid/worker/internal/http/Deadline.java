package io.taskgrid.worker.internal.http;

import java.time.Clock;
import java.time.Duration;

/** The end of a whole exchange, on an injected clock. */
final class Deadline {
  private final Clock clock;
  private final Duration timeout;
  private final long endMillis;

  Deadline(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeout = timeout;
    this.endMillis = clock.millis() + timeout.toMillis();
  }

  /**
   * The milliseconds left, at least 1 (0 would mean "no timeout" to a socket).
   *
   * @throws HttpGetException if none are left
   */
  int remainingMillis() throws HttpGetException {
    long left = endMillis - clock.millis();
    if (left <= 0) {
      throw expired(null);
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  HttpGetException expired(@org.jspecify.annotations.Nullable Throwable cause) {
    String message =
        "timed out after "
            + timeout.toMillis()
            + " ms (the whole exchange: connect, headers and body; the worker's --http-timeout-ms)";
    return cause == null ? new HttpGetException(message) : new HttpGetException(message, cause);
  }
}

package io.taskgrid.coordinator.internal.rpc;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs one line per interval at most and counts the rest, so that a peer sending junk in a loop
 * cannot fill the log. Thread-safe, lock-free.
 */
final class RateLimitedLog {
  private final Logger log;
  private final Clock clock;
  private final long intervalMillis;
  private final AtomicLong nextMillis = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, Clock clock, long intervalMillis) {
    this.log = log;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  /** Logs at WARN without a stack trace, unless a line was logged less than an interval ago. */
  void warn(String format, Object a, Object b) {
    long now = clock.millis();
    long next = nextMillis.get();
    if (now < next || !nextMillis.compareAndSet(next, now + intervalMillis)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    if (skipped > 0) {
      log.warn(format + " ({} more like it since the last line)", a, b, skipped);
    } else {
      log.warn(format, a, b);
    }
  }
}

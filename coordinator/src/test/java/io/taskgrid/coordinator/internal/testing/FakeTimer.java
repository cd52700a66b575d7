package io.taskgrid.coordinator.internal.testing;

import io.taskgrid.coordinator.internal.sched.RetryTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RetryTimer} on a {@link FakeClock}: tasks run only when a test advances the time past
 * their due time, in due order, on the test's thread. Thread-safe.
 */
public final class FakeTimer implements RetryTimer {
  private final FakeClock clock;
  private final List<Due> pending = new ArrayList<>();
  private long sequence;

  private record Due(long millis, long sequence, Runnable task) {}

  public FakeTimer(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void after(Duration delay, Runnable task) {
    pending.add(new Due(clock.millis() + delay.toMillis(), sequence++, task));
  }

  /** Moves the clock on and runs every task that is due by then (also those they schedule). */
  public void advance(Duration d) {
    clock.advance(d);
    for (Runnable next = nextDue(); next != null; next = nextDue()) {
      next.run();
    }
  }

  /** Tasks waiting for their time. */
  public synchronized int pending() {
    return pending.size();
  }

  private synchronized @Nullable Runnable nextDue() {
    Due first =
        pending.stream()
            .min(Comparator.comparingLong(Due::millis).thenComparingLong(Due::sequence))
            .orElse(null);
    if (first == null || first.millis() > clock.millis()) {
      return null;
    }
    pending.remove(first);
    return first.task();
  }
}

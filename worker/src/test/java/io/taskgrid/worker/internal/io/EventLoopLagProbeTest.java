package io.taskgrid.worker.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventLoopLagProbeTest {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);

  @Test
  void run_lateByFakeTicker_reportsExactLagAndReschedules() {
    // The real timer never fires within the test (one hour); the test runs the probe itself.
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    AtomicLong ticker = new AtomicLong(1_000);
    List<Double> lags = new ArrayList<>();
    EventLoopLagProbe probe = new EventLoopLagProbe(loop, ticker::get, HOUR, lags::add);
    try {
      probe.start();

      ticker.addAndGet(HOUR + TimeUnit.MILLISECONDS.toNanos(25));
      probe.run();
      ticker.addAndGet(HOUR); // on time
      probe.run();

      assertThat(lags).containsExactly(0.025, 0.0);
    } finally {
      probe.stop();
      loop.shutdownNow();
    }
  }

  @Test
  void run_early_reportsZeroNotNegative() {
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    AtomicLong ticker = new AtomicLong();
    List<Double> lags = new ArrayList<>();
    EventLoopLagProbe probe = new EventLoopLagProbe(loop, ticker::get, HOUR, lags::add);
    try {
      probe.start();
      probe.run();
      assertThat(lags).containsExactly(0.0);
    } finally {
      probe.stop();
      loop.shutdownNow();
    }
  }
}

package io.taskgrid.worker.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(2);

  @Test
  void nextDelay_noSpreadDrawn_doublesUpToTheCap() {
    Backoff backoff = new Backoff(INITIAL, MAX, () -> 0.5);

    assertThat(nextMillis(backoff, 8)).containsExactly(100, 200, 400, 800, 1600, 2000, 2000, 2000);
  }

  @Test
  void nextDelay_spreadDrawn_withinTwentyPercentButNeverAboveTheCap() {
    Backoff high = new Backoff(INITIAL, MAX, () -> 0.999_999);
    Backoff low = new Backoff(INITIAL, MAX, () -> 0.0);

    assertThat(nextMillis(high, 7)).containsExactly(119, 239, 479, 959, 1919, 2000, 2000);
    assertThat(nextMillis(low, 7)).containsExactly(80, 160, 320, 640, 1280, 1600, 1600);
  }

  @Test
  void reset_afterGrowth_startsFromTheInitialWaitAgain() {
    Backoff backoff = new Backoff(INITIAL, MAX, () -> 0.5);
    nextMillis(backoff, 6);

    backoff.reset();

    assertThat(nextMillis(backoff, 2)).containsExactly(100, 200);
  }

  @Test
  void nextDelay_hugeDurations_saturateInsteadOfOverflowing() {
    Backoff backoff =
        new Backoff(
            Duration.ofMillis(Long.MAX_VALUE), Duration.ofMillis(Long.MAX_VALUE), () -> 0.5);

    assertThat(backoff.nextDelayNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(backoff.nextDelayNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void describe_connectionRefused_oneLineWithCodeAndRootCause() {
    Throwable refused =
        Status.UNAVAILABLE
            .withDescription("io exception")
            .withCause(
                new RuntimeException(
                    "wrapped", new ConnectException("Connection refused: /127.0.0.1:7070")))
            .asRuntimeException();

    assertThat(CoordinatorConnection.describe(refused))
        .isEqualTo("UNAVAILABLE: io exception (Connection refused: /127.0.0.1:7070)");
    assertThat(CoordinatorConnection.describe(null)).isEqualTo("completed by the coordinator");
  }

  private static long[] nextMillis(Backoff backoff, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = TimeUnit.NANOSECONDS.toMillis(backoff.nextDelayNanos());
    }
    return out;
  }
}

package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

class FenceableRetriesTest {
  /** A timer whose tasks fall due when the test says so. */
  private final Queue<Runnable> due = new ArrayDeque<>();

  private final FenceableRetries retries = new FenceableRetries((delay, task) -> due.add(task));
  private final List<String> ran = new ArrayList<>();

  private void timePasses() {
    Runnable r;
    while ((r = due.poll()) != null) {
      r.run();
    }
  }

  @Test
  void serving_retryRunsWhenDue() {
    retries.after(Duration.ofMillis(100), () -> ran.add("a"));
    assertThat(ran).isEmpty();

    timePasses();

    assertThat(ran).containsExactly("a");
  }

  @Test
  void fenced_retryParked_notRun() {
    retries.after(Duration.ofMillis(100), () -> ran.add("a"));
    retries.fence();
    retries.after(Duration.ofMillis(100), () -> ran.add("b"));

    timePasses();

    assertThat(ran).isEmpty();
    assertThat(retries.parked()).isEqualTo(2);
  }

  @Test
  void unfenced_parkedRetriesRunInTheOrderTheyFellDue() {
    retries.fence();
    retries.after(Duration.ofMillis(100), () -> ran.add("a"));
    retries.after(Duration.ofMillis(200), () -> ran.add("b"));
    timePasses();

    retries.unfence();
    assertThat(ran).isEmpty();
    timePasses();

    assertThat(ran).containsExactly("a", "b");
    assertThat(retries.parked()).isZero();
  }
}

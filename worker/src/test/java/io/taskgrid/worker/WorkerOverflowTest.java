package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.Codecs;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts and sleeps at the edge of a long: they wait (until a cancel ends them) instead of
 * overflowing, and the slot comes back. One I/O-only worker serves every test.
 */
class WorkerOverflowTest {
  private static final int CAPACITY = 10;
  private static final String MAX = Long.toString(Long.MAX_VALUE);

  private static WorkerHarness harness;

  @BeforeAll
  static void setUp() throws Exception {
    harness = new WorkerHarness(WorkerOptions.newBuilder().cpuProcesses(0).ioCapacity(CAPACITY));
  }

  @AfterAll
  static void tearDown() throws Exception {
    harness.close();
    assertThat(harness.coordinator.violations).isEmpty();
  }

  @Test
  void timeoutMaxLong_shortSleep_succeeds() {
    submitSleep("tmax1", "20", Long.MAX_VALUE);

    TaskResult result = harness.awaitResult("tmax1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.getOutput().getData().toStringUtf8()).isEqualTo("20");
    awaitAllSlotsFree();
  }

  @Test
  void sleepMaxLong_noTimeout_runsUntilCancelledAndFreesSlot() {
    submitSleep("smax1", MAX, 0);
    awaitRunning("smax1");

    harness.coordinator.cancel("smax1", Outcome.CANCELLED, false);

    assertThat(harness.awaitResult("smax1").getOutcome()).isEqualTo(Outcome.CANCELLED);
    awaitAllSlotsFree();
  }

  @Test
  void sleepMaxLong_timeoutMaxLong_runsUntilCancelledAndFreesSlot() {
    submitSleep("smax2", MAX, Long.MAX_VALUE);
    awaitRunning("smax2");

    harness.coordinator.cancel("smax2", Outcome.CANCELLED, false);

    assertThat(harness.awaitResult("smax2").getOutcome()).isEqualTo(Outcome.CANCELLED);
    awaitAllSlotsFree();
  }

  private static void submitSleep(String id, String millis, long timeoutMs) {
    harness.coordinator.submit(
        id,
        "sleep",
        Pool.IO,
        millis.getBytes(StandardCharsets.US_ASCII),
        Codecs.DECIMAL,
        timeoutMs);
  }

  /** The task holds its slot and has not ended. */
  private static void awaitRunning(String id) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> harness.coordinator.held(Pool.IO) == CAPACITY - 1);
    assertThat(harness.coordinator.result(id)).isNull();
  }

  private static void awaitAllSlotsFree() {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> harness.coordinator.held(Pool.IO) == CAPACITY);
  }
}

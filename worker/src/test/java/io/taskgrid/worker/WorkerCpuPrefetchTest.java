package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.proto.v1.CancelAcks;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default CPU prefetch through a real child JVM: one child, one task waiting on the worker
 * behind the one it runs. A spin task (runs until cancelled) holds the child, so whatever else the
 * worker took is necessarily still queued on it.
 */
class WorkerCpuPrefetchTest {
  private static WorkerHarness harness;

  @BeforeAll
  static void setUp() throws Exception {
    harness =
        new WorkerHarness(
            WorkerOptions.newBuilder()
                .cpuProcesses(1)
                .ioCapacity(10)
                .cancelGracePeriod(Duration.ofMillis(300)));
  }

  @AfterAll
  static void tearDown() throws Exception {
    harness.close();
    assertThat(harness.coordinator.violations).isEmpty();
  }

  @Test
  void hello_defaultPrefetch_announcesOneRunningAndOneWaitingTaskPerChild() {
    PoolSpec cpu =
        harness.coordinator.hellos.get(0).getPoolsList().stream()
            .filter(p -> p.getPool() == Pool.CPU)
            .findFirst()
            .orElseThrow();

    assertThat(WorkerOptions.getDefaultInstance().cpuPrefetch()).isEqualTo(1);
    assertThat(cpu.getCapacity()).isEqualTo(2);
  }

  @Test
  void busyChild_nextTaskLeasedAtOnce_runsWhenTheChildIsFree() {
    submitDecimal("spin-a", "spin");
    submitDecimal("next-a", "sum_squares", "1000");

    // Both are on the worker while its only child spins: the second was prefetched.
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.coordinator.queued() == 0);
    harness.awaitProgress("spin-a", "spun ");
    assertThat(harness.coordinator.results).doesNotContainKey("next-a");

    harness.coordinator.cancel("spin-a", Outcome.CANCELLED, false);

    assertThat(harness.awaitResult("spin-a").getOutcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(harness.awaitResult("next-a").getOutput().getData().toStringUtf8())
        .isEqualTo("332833500");
  }

  @Test
  void cancelPrefetchedTask_endsCancelled_runningTaskAndChildUntouched() {
    submitDecimal("spin-b", "spin");
    submitDecimal("next-b", "sum_squares", "1000");
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.coordinator.queued() == 0);
    harness.awaitProgress("spin-b", "spun ");
    List<Long> childBefore = WorkerHarness.childPids();

    harness.coordinator.cancel("next-b", Outcome.CANCELLED, true, true);

    assertThat(harness.awaitResult("next-b").getOutcome()).isEqualTo(Outcome.CANCELLED);
    // It never reached a child: the coordinator answers its cancel REMOVED_FROM_QUEUE.
    await().atMost(Duration.ofSeconds(30)).until(() -> acked("next-b") != null);
    assertThat(acked("next-b").getNotStartedTaskIdsList()).containsExactly("next-b");
    assertThat(acked("next-b").getStartedTaskIdsList()).isEmpty();
    assertThat(harness.coordinator.results).doesNotContainKey("spin-b");
    assertThat(WorkerHarness.childPids()).isEqualTo(childBefore);
    harness.coordinator.cancel("spin-b", Outcome.CANCELLED, false, true);
    assertThat(harness.awaitResult("spin-b").getOutcome()).isEqualTo(Outcome.CANCELLED);
    // The running one had started.
    await().atMost(Duration.ofSeconds(30)).until(() -> acked("spin-b") != null);
    assertThat(acked("spin-b").getStartedTaskIdsList()).containsExactly("spin-b");
    assertThat(acked("spin-b").getNotStartedTaskIdsList()).isEmpty();
  }

  /** The worker's answer to the cancel of {@code id} that asked for one, or null. */
  private static @Nullable CancelAcks acked(String id) {
    for (CancelAcks a : harness.coordinator.cancelAcks) {
      if (a.getNotStartedTaskIdsList().contains(id) || a.getStartedTaskIdsList().contains(id)) {
        return a;
      }
    }
    return null;
  }

  private static void submitDecimal(String id, String type) {
    submitDecimal(id, type, "0");
  }

  private static void submitDecimal(String id, String type, String value) {
    harness.submitDecimal(id, type, value, 0);
  }
}

package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Errors in CPU tasks, through real child JVMs with a small heap: the task ends FAILED with the
 * error, its child is replaced and the slot keeps serving. One worker with one child serves every
 * test; each test leaves the slot idle with its credit back at the coordinator.
 */
class WorkerCpuErrorTest {
  private static WorkerHarness harness;

  @BeforeAll
  static void setUp() throws Exception {
    harness =
        new WorkerHarness(
            WorkerOptions.newBuilder()
                .cpuProcesses(1)
                .cpuPrefetch(0)
                .ioCapacity(10)
                .childJvmOptions(List.of("-Xmx48m")));
  }

  @AfterAll
  static void tearDown() throws Exception {
    harness.close();
    assertThat(harness.coordinator.violations).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> WorkerHarness.childPids().isEmpty());
  }

  @Test
  void allocatePastChildHeap_failedWithOutOfMemoryAndNextTaskRuns() {
    long before = awaitReadyChild();
    harness.coordinator.submit("oom1", "test.allocate", Pool.CPU, "");

    TaskResult result = harness.awaitResult("oom1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.getError().getType()).isEqualTo(OutOfMemoryError.class.getName());
    assertThat(result.getError().getMessage()).contains("ran out of memory");
    assertThat(result.getError().getRetryable()).isFalse();
    assertThat(awaitOneChild()).isNotEqualTo(before);
    assertSlotServes("after-oom");
  }

  @Test
  void handlerThrowsError_failedWithItsTypeAndMessageAndChildReplaced() {
    long before = awaitReadyChild();
    harness.coordinator.submit("err1", "test.throw-error", Pool.CPU, "Direct buffer memory");

    TaskResult result = harness.awaitResult("err1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.getError().getType()).isEqualTo(OutOfMemoryError.class.getName());
    assertThat(result.getError().getMessage()).isEqualTo("Direct buffer memory");
    assertThat(result.getError().getStack()).contains("ThrowErrorHandler");
    assertThat(awaitOneChild()).isNotEqualTo(before);
    assertSlotServes("after-error");
  }

  @Test
  void handlerThrowsException_failedAndChildKept() {
    long before = awaitReadyChild();
    harness.coordinator.submit("ex1", "fail", Pool.CPU, "boom");

    assertThat(harness.awaitResult("ex1").getOutcome()).isEqualTo(Outcome.FAILED);
    assertSlotServes("after-exception");
    assertThat(awaitOneChild()).isEqualTo(before);
  }

  @Test
  void timeoutMaxLong_cpuTask_runsAndSucceeds() {
    harness.submitDecimal("cmax1", "sum_squares", "10", Long.MAX_VALUE);

    TaskResult result = harness.awaitResult("cmax1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertSlotServes("after-max-timeout");
  }

  /** The one CPU slot is intact: its credit is back and it runs two more tasks in turn. */
  private static void assertSlotServes(String prefix) {
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.coordinator.held(Pool.CPU) == 1);
    for (int i = 0; i < 2; i++) {
      String id = prefix + "-" + i;
      harness.submitDecimal(id, "sum_squares", "10", 0);
      TaskResult r = harness.awaitResult(id);
      assertThat(r.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(r.getOutput().getData().toStringUtf8()).isEqualTo("285");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.coordinator.held(Pool.CPU) == 1);
  }

  private static int warmUps;

  /** The pid of the worker's one child once it has run a task (so it is ready, not starting). */
  private static long awaitReadyChild() {
    String id = "warm-up-" + ++warmUps;
    harness.submitDecimal(id, "sum_squares", "1", 0);
    assertThat(harness.awaitResult(id).getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    return awaitOneChild();
  }

  /** The pid of the worker's one live child once there is exactly one. */
  private static long awaitOneChild() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(WorkerHarness::childPids, pids -> pids.size() == 1)
        .get(0);
  }
}

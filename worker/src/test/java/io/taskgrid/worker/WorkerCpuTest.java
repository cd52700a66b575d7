package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.taskgrid.client.Codecs;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CPU pool through real child JVMs. One worker with one child and no prefetch serves every test
 * (child starts cost time on a 2-core machine); each test leaves the child idle.
 */
class WorkerCpuTest {
  private static WorkerHarness harness;
  private static final CollectorRegistry registry = new CollectorRegistry();

  @BeforeAll
  static void setUp() throws Exception {
    harness =
        new WorkerHarness(
            WorkerOptions.newBuilder()
                .cpuProcesses(1)
                .cpuPrefetch(0) // a leased task is the running one (WorkerCpuPrefetchTest: 1)
                .ioCapacity(10)
                .cancelGracePeriod(Duration.ofMillis(300))
                .metricsRegistry(registry));
  }

  @AfterAll
  static void tearDown() throws Exception {
    harness.close();
    assertThat(harness.coordinator.violations).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> WorkerHarness.childPids().isEmpty());
  }

  @Test
  void hello_cpuPool_announcesCapacityAndCpuHandlers() {
    PoolSpec cpu =
        harness.coordinator.hellos.get(0).getPoolsList().stream()
            .filter(p -> p.getPool() == Pool.CPU)
            .findFirst()
            .orElseThrow();
    assertThat(cpu.getCapacity()).isEqualTo(1);
    assertThat(cpu.getHandlersList())
        .containsExactly(
            "fail", "spin", "sum_squares", "test.allocate", "test.throw-error", "test.warmed");
  }

  @Test
  void sumSquares_tenMillion_exactValueFromChildProcess() {
    submitDecimal("sq1", "sum_squares", "10000000", 0);

    TaskResult result = harness.awaitResult("sq1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.getOutput().getData().toStringUtf8()).isEqualTo("333333283333335000000");
    assertThat(result.getOutput().getContentType()).isEqualTo(Codecs.DECIMAL);
    assertThat(result.getWorkerId()).isEqualTo(harness.worker.id());
  }

  @Test
  void childMetrics_afterATask_cpuTimeAndRssOfTheLiveChild() throws Exception {
    long pid = awaitReadyChild();
    ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
    double before = cpuSeconds(child);
    submitDecimal("sq-metrics", "sum_squares", "20000000", 0);
    assertThat(harness.awaitResult("sq-metrics").getOutcome()).isEqualTo(Outcome.SUCCEEDED);

    double exported =
        registry.getSampleValue(
            "taskgrid_worker_cpu_child_cpu_seconds_total",
            new String[] {"child"},
            new String[] {"0"});
    double after = cpuSeconds(child);

    // The child's own CPU time at scrape time: it grew with the task, read between two reads.
    assertThat(exported).isPositive().isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(after);
    Double rss =
        registry.getSampleValue(
            "taskgrid_worker_cpu_child_rss_bytes", new String[] {"child"}, new String[] {"0"});
    if (Files.exists(Path.of("/proc", Long.toString(pid), "status"))) {
      // A running JVM: more than 8 MiB resident, less than the machine's memory.
      assertThat(rss).isGreaterThan(8.0 * 1024 * 1024).isLessThan(64.0 * 1024 * 1024 * 1024);
    } else {
      assertThat(rss).isNull(); // not Linux
    }
  }

  private static double cpuSeconds(ProcessHandle p) {
    return p.info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
  }

  @Test
  void child_warmsUpEveryCpuHandlerBeforeItsFirstTask() {
    harness.coordinator.submit("warm1", "test.warmed", Pool.CPU, "x");

    TaskResult result = harness.awaitResult("warm1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.getOutput().getData().toStringUtf8()).isEqualTo("warmed");
  }

  @Test
  void fail_message_failedWithTypeAndMessage() {
    harness.coordinator.submit("f1", "fail", Pool.CPU, "boom");

    TaskResult result = harness.awaitResult("f1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.getError().getType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(result.getError().getMessage()).isEqualTo("boom");
    assertThat(result.getError().getRetryable()).isFalse();
    assertThat(result.getError().getStack()).contains("FailHandler");
  }

  @Test
  void cancel_runningSpin_killsChildAndFreshChildRunsNextTask() {
    long before = awaitReadyChild();
    submitDecimal("spin1", "spin", "0", 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.coordinator.held(Pool.CPU) == 0);

    // The child's progress reports reach the coordinator while it spins.
    harness.awaitProgress("spin1", "spun ");
    harness.coordinator.cancel("spin1", Outcome.CANCELLED, false);

    assertThat(harness.awaitResult("spin1").getOutcome()).isEqualTo(Outcome.CANCELLED);
    long after = awaitOneChild();
    assertThat(after).isNotEqualTo(before);
    submitDecimal("sq2", "sum_squares", "1000", 0);
    TaskResult next = harness.awaitResult("sq2");
    assertThat(next.getOutput().getData().toStringUtf8()).isEqualTo("332833500");
  }

  @Test
  void timeout_spinLongerThanTimeout_timedOutAndChildReplaced() {
    long before = awaitReadyChild();
    submitDecimal("spin2", "spin", "0", 200);

    assertThat(harness.awaitResult("spin2").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(awaitOneChild()).isNotEqualTo(before);
  }

  @Test
  void killChild_midTask_reportedLostRetryableAndChildRestarted() {
    long before = awaitReadyChild();
    submitDecimal("spin3", "spin", "0", 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.coordinator.held(Pool.CPU) == 0);

    ProcessHandle.of(before).orElseThrow().destroyForcibly(); // SIGKILL, as kill -9

    TaskResult result = harness.awaitResult("spin3");
    assertThat(result.getOutcome()).isEqualTo(Outcome.WORKER_LOST);
    assertThat(result.getError().getType()).isEqualTo("ChildProcessLost");
    assertThat(result.getError().getRetryable()).isTrue();
    assertThat(awaitOneChild()).isNotEqualTo(before);
    submitDecimal("sq3", "sum_squares", "10", 0);
    assertThat(harness.awaitResult("sq3").getOutput().getData().toStringUtf8()).isEqualTo("285");
  }

  private static void submitDecimal(String id, String type, String value, long timeoutMs) {
    harness.submitDecimal(id, type, value, timeoutMs);
  }

  private static int warmUps;

  /** The pid of the worker's one child once it has run a task (so it is ready, not starting). */
  private static long awaitReadyChild() {
    String id = "warm-up-" + ++warmUps;
    submitDecimal(id, "sum_squares", "1", 0);
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

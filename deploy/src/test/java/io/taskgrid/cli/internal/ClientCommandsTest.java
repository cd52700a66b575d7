package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * submit, status, cancel, workers, top and completion against a real in-JVM cluster (a coordinator
 * and a worker with one CPU child process), through the same command line as {@code main}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClientCommandsTest {
  private static LocalCluster cluster;
  private static TaskgridClient client;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalCluster.start(0, 1);
    client = TaskgridClient.connect(cluster.target());
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                WorkerReadiness.missing(client.workers(), List.of(TaskPool.IO, TaskPool.CPU))
                    .isEmpty());
  }

  @AfterAll
  static void stopCluster() {
    client.close();
    cluster.close();
  }

  private CommandLine cli() {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  private int run(String... args) {
    return cli().execute(args);
  }

  private int runAgainstCluster(String command, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "--coordinator";
    all[2] = cluster.target();
    System.arraycopy(args, 0, all, 3, args.length);
    return run(all);
  }

  @Test
  void workers_localCluster_tableWithPoolsAndSlots() {
    int code = runAgainstCluster("workers");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("WORKER", "POOL", "SLOTS", "USED", "FREE")
        .containsPattern("IO +" + LocalCluster.LOCAL_IO_CAPACITY + " +\\d+ +\\d+ +.*echo")
        // One child and one task prefetched for it (WorkerOptions.DEFAULT_CPU_PREFETCH).
        .containsPattern("CPU +2 +\\d+ +\\d+ +.*sum_squares")
        .contains("1 worker(s)");
  }

  @Test
  void info_localCluster_versionAndLimitsOfTheCoordinator() {
    int code = runAgainstCluster("info");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("Coordinator ", "protocol taskgrid.v1", "tenant default")
        .containsPattern("max payload +4 MiB \\(4,194,304 bytes\\)")
        .containsPattern("tasks per submit batch +10,000")
        .containsPattern("queued tasks per session +250,000")
        // The coordinator reports the workers' default grace without depending on the worker.
        .containsPattern(
            "cancel grace \\(default\\) +"
                + io.taskgrid.worker.WorkerOptions.DEFAULT_CANCEL_GRACE_PERIOD.toSeconds()
                + " s");
  }

  @Test
  void submit_echoWithWait_printsEveryResultAndProgress() {
    int code =
        runAgainstCluster("submit", "echo", "--input", "hello", "--input", "world", "--wait");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("Submitted 2 echo task(s) as job job-")
        .containsPattern("[0-9a-f]{32}-(?:0|[1-9][0-9]{0,11})-[0-9a-f]{16}  SUCCEEDED  hello")
        .containsPattern("[0-9a-f]{32}-(?:0|[1-9][0-9]{0,11})-[0-9a-f]{16}  SUCCEEDED  world")
        .containsPattern("2 task\\(s\\) in [0-9.]+ s \\([0-9.]+ tasks/s\\): 2 SUCCEEDED");
    // The bar: done of all, throughput (tasks/s) and ETA.
    assertThat(err.toString()).contains("echo", "100%", "2/2", "tasks/s");
  }

  @Test
  void submit_manySleepsWithWait_summarisesOutcomesWithoutListingEach() {
    int code = runAgainstCluster("submit", "sleep", "-i", "1", "--count", "300", "--wait");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("300 task(s) in").contains(": 300 SUCCEEDED");
    assertThat(out.toString()).doesNotContain("  SUCCEEDED  ");
  }

  @Test
  void submit_sumSquares_exactResult() {
    int code = runAgainstCluster("submit", "sum_squares", "-i", "1000", "-w", "--no-progress");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("SUCCEEDED  332833500");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void submit_failingTaskWithWait_printsFailedAndExitsOne() {
    int code = runAgainstCluster("submit", "fail", "--input", "boom", "--wait");

    assertThat(code).isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(out.toString()).contains("FAILED").contains("boom").contains("1 FAILED");
  }

  @Test
  void submit_withoutWait_printsIdsAndJobThenStatusJobShowsTheCounts() {
    int code = runAgainstCluster("submit", "noop", "--count", "3", "--job", "cli-test-job");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("Submitted 3 noop task(s) as job cli-test-job.")
        .containsPattern("(?m)^[0-9a-f]{32}-(?:0|[1-9][0-9]{0,11})-[0-9a-f]{16}$")
        .contains("taskgrid status --job cli-test-job");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              out.getBuffer().setLength(0);
              assertThat(runAgainstCluster("status", "--job", "cli-test-job")).isZero();
              assertThat(out.toString())
                  .contains("job        cli-test-job")
                  .contains("submitted  3")
                  .contains("completed  3 (SUCCEEDED 3)");
            });
  }

  @Test
  void status_finishedTask_showsStateOutcomeAndTimes() {
    TaskFuture<String> task = client.submit(TaskTypes.ECHO, "status?");
    task.join();

    int code = runAgainstCluster("status", task.taskId());

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("task       " + task.taskId())
        .contains("type       echo")
        .contains("state      DONE")
        .contains("outcome    SUCCEEDED")
        .contains("attempt    1")
        .contains("finished   ");
  }

  @Test
  void status_unknownTask_oneLineErrorExitOne() {
    int code = runAgainstCluster("status", "no-such-task");

    assertThat(code).isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(err.toString().strip()).isEqualTo("taskgrid: error: no task with id 'no-such-task'");
  }

  @Test
  void status_unknownJob_oneLineErrorExitOne() {
    assertThat(runAgainstCluster("status", "--job", "no-such-job"))
        .isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(err.toString().strip()).isEqualTo("taskgrid: error: no job with id 'no-such-job'");
  }

  @Test
  void cancel_runningSleep_printsOutcomeAndTheTaskEndsCancelled() {
    TaskFuture<Long> sleep = client.submit(TaskTypes.SLEEP, 600_000L);
    await().atMost(Duration.ofSeconds(30)).until(() -> client.getTask(sleep.taskId()).isPresent());

    int code = runAgainstCluster("cancel", sleep.taskId());

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .containsPattern(sleep.taskId() + "  (STOPPED_WHILE_RUNNING|REMOVED_FROM_QUEUE)");
    await().atMost(Duration.ofSeconds(30)).until(sleep::isDone);
    assertThat(sleep).isCompletedExceptionally();
  }

  @Test
  void cancel_unknownTask_printsNotFoundExitsOne() {
    int code = runAgainstCluster("cancel", "--force", "no-such-task");

    assertThat(code).isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(out.toString().strip()).isEqualTo("no-such-task  NOT_FOUND");
  }

  @Test
  void top_qOnStdin_drawsAFrameOfQueuesWorkersThroughputAndExitsZero() {
    CommandLine cli = cli();
    TopCommand top = cli.getSubcommands().get("top").getCommand();
    top.in = new ByteArrayInputStream("q".getBytes(StandardCharsets.US_ASCII));

    int code = cli.execute("top", "--coordinator", cluster.target());

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("taskgrid top - " + cluster.target())
        .containsPattern("IO +\\d+ +\\d+ +" + LocalCluster.LOCAL_IO_CAPACITY)
        .containsPattern("CPU +\\d+ +\\d+ +2 ") // one child, one prefetched task
        .contains("THROUGHPUT  measuring...")
        .contains("1 worker(s)");
  }

  @Test
  void top_otherKeysThenEof_ignoresTheKeysAndExitsZeroAtEof() {
    CommandLine cli = cli();
    TopCommand top = cli.getSubcommands().get("top").getCommand();
    top.in = new ByteArrayInputStream("xy".getBytes(StandardCharsets.US_ASCII));

    int code = cli.execute("top", "--coordinator", cluster.target(), "--interval", "60000");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString().split("taskgrid top - ", -1)).hasSize(2);
  }

  @Test
  void top_inputStaysOpen_refreshesWithRatesUntilIterations() throws IOException {
    CommandLine cli = cli();
    TopCommand top = cli.getSubcommands().get("top").getCommand();
    try (PipedOutputStream keyboard = new PipedOutputStream()) {
      top.in = new PipedInputStream(keyboard);

      int code =
          cli.execute(
              "top", "--coordinator", cluster.target(), "--interval", "50", "--iterations", "2");

      assertThat(code).as("stderr: %s", err).isZero();
    }
    // The second frame has rates from the first one's totals.
    assertThat(out.toString().split("taskgrid top - ", -1)).hasSize(3);
    assertThat(out.toString()).containsPattern("THROUGHPUT  [0-9.]+ tasks/s completed");
  }

  @Test
  void top_iterations_stopsAfterThatManyFrames() {
    CommandLine cli = cli();
    TopCommand top = cli.getSubcommands().get("top").getCommand();
    top.in = new ByteArrayInputStream(new byte[0]);

    int code = cli.execute("top", "-c", cluster.target(), "--iterations", "1");

    assertThat(code).isZero();
    assertThat(out.toString().split("taskgrid top - ", -1)).hasSize(2);
  }

  @Test
  void unreachableCoordinator_everyClientCommand_oneLineExitOne() {
    for (String[] args :
        List.of(
            new String[] {"workers"},
            new String[] {"info"},
            new String[] {"status", "x"},
            new String[] {"cancel", "x"},
            new String[] {"submit", "noop"},
            new String[] {"top"})) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      String[] all = new String[args.length + 2];
      System.arraycopy(args, 0, all, 0, args.length);
      all[args.length] = "--coordinator";
      all[args.length + 1] = "127.0.0.1:1";

      assertThat(run(all)).as(String.join(" ", args)).isEqualTo(TaskgridCli.EXIT_FAILURE);
      assertThat(err.toString())
          .as(String.join(" ", args))
          .startsWith("taskgrid: error: cannot reach the coordinator at 127.0.0.1:1 (UNAVAILABLE")
          .doesNotContain("\tat ");
      assertThat(err.toString().strip().lines()).hasSize(1);
    }
  }
}

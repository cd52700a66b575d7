package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.JobStatus;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The job-level commands (cancel --job, status --job --tasks, status ID with output and error,
 * submit's exit code on rejections) against a real in-JVM cluster (a coordinator and a worker with
 * one CPU child), through the same command line as {@code main}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobCommandsTest {
  private static final AtomicInteger JOBS = new AtomicInteger();
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

  private static String newJob() {
    return "job-cmd-" + JOBS.incrementAndGet() + "-" + System.nanoTime();
  }

  private int run(String command, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "--coordinator";
    all[2] = cluster.target();
    System.arraycopy(args, 0, all, 3, args.length);
    return cli.execute(all);
  }

  @Test
  void submit_rejectedTypeWithoutWait_exitsOneAndSaysWhy() {
    int code = run("submit", "no-such-type", "--input", "x", "--count", "2");

    assertThat(code).as("stdout: %s, stderr: %s", out, err).isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(out.toString())
        .contains("2 task(s) rejected by the coordinator:")
        .containsPattern("2 x .*no-such-type");
  }

  @Test
  void submit_rejectedTypeWithWait_exitsOneAndSaysWhy() {
    int code = run("submit", "no-such-type", "--input", "x", "--wait", "--no-progress");

    assertThat(code).isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(out.toString())
        .contains("1 REJECTED")
        .contains("1 task(s) rejected by the coordinator:")
        .containsPattern("1 x .*no-such-type");
  }

  @Test
  void submit_acceptedWithoutWait_exitsZero() {
    int code = run("submit", "echo", "--input", "x");

    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(out.toString()).doesNotContain("rejected");
  }

  @Test
  void statusTasks_pagesFollowTheTokenAndStateFiltersWithErrors() {
    String job = newJob();
    assertThat(run("submit", "echo", "-i", "a", "-n", "5", "--job", job, "-w", "--no-progress"))
        .isZero();
    assertThat(run("submit", "fail", "-i", "boom", "-n", "2", "--job", job, "-w", "--no-progress"))
        .isEqualTo(TaskgridCli.EXIT_FAILURE);

    assertThat(run("status", "--job", job, "--tasks", "--limit", "4"))
        .as("stderr: %s", err)
        .isZero();
    String first = out.toString();
    assertThat(first).contains("TASK", "STATE", "OUTCOME").contains("4 of 7 task(s) of job " + job);
    Matcher next = Pattern.compile("--page-token (\\S+)").matcher(first);
    assertThat(next.find()).as(first).isTrue();

    assertThat(
            run("status", "--job", job, "--tasks", "--limit", "4", "--page-token", next.group(1)))
        .isZero();
    assertThat(out.toString()).contains("3 of 7 task(s)").doesNotContain("Next page");

    assertThat(run("status", "--job", job, "--tasks", "--state", "failed")).isZero();
    assertThat(out.toString())
        .contains("2 of 2 FAILED task(s)")
        .containsPattern("DONE +FAILED .*IllegalStateException: boom");

    assertThat(run("status", "--job", job, "--tasks", "--state", "SUCCEEDED")).isZero();
    assertThat(out.toString()).contains("5 of 5 SUCCEEDED").contains("output 1 bytes");
  }

  @Test
  void statusId_printsTheOutputOrItsSize_andTheErrorTypeAndMessage() {
    String job = newJob();
    run("submit", "echo", "-i", "hello there", "--job", job, "-w", "--no-progress");
    String echoId = firstId(out.toString());
    run("submit", "fail", "-i", "it broke", "--job", job, "-w", "--no-progress");
    String failId = firstId(out.toString());
    run("submit", "sum_squares", "-i", "1000", "--job", job, "-w", "--no-progress");
    String sumId = firstId(out.toString());

    assertThat(run("status", echoId)).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("outcome    SUCCEEDED").contains("output     hello there");
    assertThat(run("status", failId)).isZero();
    assertThat(out.toString())
        .contains("outcome    FAILED")
        .contains("error      java.lang.IllegalStateException")
        .contains("message    it broke");
    assertThat(run("status", sumId)).isZero();
    assertThat(out.toString()).contains("output     332833500");
  }

  @Test
  void statusId_binaryOutput_printsItsSize() {
    run("submit", "noop", "-i", "x".repeat(5000), "-w", "--no-progress");
    String id = firstId(out.toString());

    assertThat(run("status", id)).isZero();
    assertThat(out.toString()).containsPattern("output     \\d+ bytes \\(");
  }

  @Test
  void cancelJob_cancelsEveryTaskAndCountsOutcomes() {
    String job = newJob();
    assertThat(run("submit", "sleep", "-i", "600000", "-n", "30", "--job", job)).isZero();
    assertThat(run("submit", "echo", "-i", "done", "--job", job, "-w", "--no-progress")).isZero();

    assertThat(run("cancel", "--job", job)).as("stderr: %s", err).isZero();

    assertThat(out.toString())
        .startsWith("job " + job + ": 30 task(s) cancelled (")
        .containsPattern("30 STOPPED_WHILE_RUNNING|\\d+ REMOVED_FROM_QUEUE")
        .contains("; 1 had already ended");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .getJob(job)
                        .map(JobStatus::completed)
                        .map(c -> c.getOrDefault("CANCELLED", 0L))
                        .orElse(0L)
                    == 30L);
  }

  @Test
  void statusJob_typeRememberedButNoWorkerOffersIt_showsTheWaitingTasks() throws Exception {
    // A plugin worker offering the type connects and leaves: the coordinator remembers the type
    // (--remember-types-for-s, default 1 h) and accepts its tasks, which wait queued.
    String type = "wordcount-" + JOBS.incrementAndGet();
    String pluginWorker = "plugin-" + type;
    try (AnnouncingWorker plugin =
        new AnnouncingWorker(cluster.target(), cluster.token(), pluginWorker, Pool.CPU, type)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> hasWorker(pluginWorker));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> !hasWorker(pluginWorker));
    String job = newJob();
    assertThat(run("submit", type, "-i", "x", "-n", "3", "--job", job))
        .as("stdout: %s, stderr: %s", out, err)
        .isZero();
    assertThat(run("submit", "sleep", "-i", "600000", "--job", job)).isZero();

    assertThat(run("status", "--job", job)).as("stderr: %s", err).isZero();

    assertThat(out.toString())
        .contains("queued     3")
        .contains(
            "waiting    3 queued task(s) of type '"
                + type
                + "': no connected worker offers it; they run when one that does connects")
        .doesNotContain("type 'sleep'");
    assertThat(run("cancel", "--job", job)).isZero();
  }

  private static boolean hasWorker(String id) {
    return client.workers().stream().anyMatch(w -> w.workerId().equals(id));
  }

  @Test
  void unknownJob_cancelAndStatusTasks_exitOneWithOneLine() {
    assertThat(run("cancel", "--job", "no-such-job")).isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(err.toString().strip()).isEqualTo("taskgrid: error: no job with id 'no-such-job'");

    assertThat(run("status", "--job", "no-such-job", "--tasks"))
        .isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(err.toString().strip()).isEqualTo("taskgrid: error: no job with id 'no-such-job'");
  }

  @Test
  void badInput_oneLineUsageErrorExitTwo() {
    assertUsage(run("cancel"), "cancel: give task IDs or --job JOB");
    assertUsage(run("cancel", "abc", "--job", "j"), "cancel: give task IDs or --job JOB");
    assertUsage(run("status", "--job", "j", "--tasks", "--state", "sleepy"), "--state: 'sleepy'");
    assertUsage(run("status", "--job", "j", "--tasks", "--limit", "0"), "--limit: 0");
    assertUsage(run("status", "abc", "--tasks"), "go with --job JOB");
    assertUsage(run("status", "--job", "j", "--state", "QUEUED"), "go with --tasks");
  }

  private void assertUsage(int code, String message) {
    assertThat(code).as("stderr: %s", err).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ");
    assertThat(err.toString().lines().count()).isLessThanOrEqualTo(2);
  }

  @Test
  void workerWithZeroCpuProcesses_isAnIoOnlyWorker() {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.parseArgs("worker", "--cpu-processes", "0", "--metrics-port", "-1", "-c", cluster.target());
    WorkerCommand command = cli.getSubcommands().get("worker").getCommand();

    try (Worker worker = Worker.start(command.options())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> client.workers().stream().anyMatch(w -> w.workerId().equals(worker.id())));
      WorkerInfo info =
          client.workers().stream()
              .filter(w -> w.workerId().equals(worker.id()))
              .findFirst()
              .orElseThrow();
      assertThat(info.capacity(TaskPool.CPU)).isZero();
      assertThat(info.capacity(TaskPool.IO)).isPositive();
    }
  }

  private static String firstId(String submitOutput) {
    Matcher m =
        Pattern.compile("(?m)^([0-9a-f]{32}-(?:0|[1-9][0-9]{0,11})-[0-9a-f]{16})  ")
            .matcher(submitOutput);
    assertThat(m.find()).as(submitOutput).isTrue();
    return m.group(1);
  }
}

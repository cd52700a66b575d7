package io.taskgrid.cli.internal;

import io.taskgrid.client.JobStatus;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskgridClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid submit TYPE}: submits tasks, and with {@code --wait} follows them to the end. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submit tasks of one type: one per --input, each --count times.",
      "Without --wait, prints the job and the task ids once the coordinator has stored them.",
      "With --wait, shows a progress bar (throughput, ETA) and prints the results;"
          + " exits 1 if any task did not succeed.",
      "Exits 1 (and says why) if the coordinator rejected any task, with or without --wait."
    })
final class SubmitCommand implements Callable<Integer> {
  /** Results printed one per line up to this many tasks; a summary above. */
  static final int MAX_LISTED = 20;

  private static final long ACK_POLL_MILLIS = 20;

  @Parameters(
      index = "0",
      paramLabel = "TYPE",
      completionCandidates = CliTaskTypes.Names.class,
      description = "Task type: ${COMPLETION-CANDIDATES}, or a plugin's handler name.")
  String type = "";

  @Option(
      names = {"-i", "--input"},
      paramLabel = "VALUE",
      description = "An input (repeatable): text, or a number for sleep, sum_squares and spin.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = {"-n", "--count"},
      defaultValue = "1",
      description = "Submit every input this many times (default: ${DEFAULT-VALUE}).")
  int count = 1;

  @Option(
      names = {"-w", "--wait"},
      description = "Wait for the results, with a progress bar.")
  boolean await;

  @Option(names = "--job", description = "Job id of the tasks (default: a new random one).")
  @Nullable String jobId;

  @Option(
      names = "--priority",
      defaultValue = "0",
      description = "Higher runs first (default: ${DEFAULT-VALUE}).")
  int priority;

  @Option(
      names = "--no-progress",
      negatable = false,
      description = "With --wait, do not draw the progress bar.")
  boolean noProgress;

  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliTaskTypes.CliType cliType = CliTaskTypes.forName(type);
    List<Object> values = inputs(cliType);
    Checks.atLeast("--count", count, 1);
    String job = jobId != null ? jobId : newJobId();
    PrintWriter out = spec.commandLine().getOut();
    try (TaskgridClient client = coordinator.connect()) {
      List<Object> all = new ArrayList<>(values.size() * count);
      for (int i = 0; i < count; i++) {
        all.addAll(values);
      }
      TaskOptions options = TaskOptions.newBuilder().jobId(job).priority(priority).build();
      long startNanos = System.nanoTime();
      List<TaskFuture<Object>> futures = client.map(cliType.type(), all, options);
      out.println(
          "Submitted "
              + futures.size()
              + " "
              + Terminal.safe(type)
              + " task(s) as job "
              + Terminal.safe(job)
              + ".");
      out.flush();
      if (!await) {
        awaitStored(client, job, futures);
        printIds(out, futures, job);
        // Every future of a rejected task is done by now (awaitStored counts it as ended).
        int rejected = SubmitReport.printRejections(out, futures);
        out.flush();
        return rejected == 0 ? 0 : TaskgridCli.EXIT_FAILURE;
      }
      followWithProgress(futures);
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      return new SubmitReport(out, MAX_LISTED).print(futures, took);
    }
  }

  private List<Object> inputs(CliTaskTypes.CliType cliType) {
    List<Object> values = new ArrayList<>();
    for (String input : inputs) {
      values.add(cliType.parse().apply(input));
    }
    if (values.isEmpty()) {
      if (cliType.defaultInput() == null) {
        throw new UsageException("submit " + type + ": give --input (" + cliType.inputHint() + ")");
      }
      values.add(cliType.parse().apply(cliType.defaultInput()));
    }
    return values;
  }

  /**
   * Returns once the coordinator has stored every task (or rejected it), so that closing the client
   * right after cannot lose a submission.
   */
  private void awaitStored(TaskgridClient client, String job, List<TaskFuture<Object>> futures)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(coordinator.timeoutSeconds);
    while (true) {
      long ended = futures.stream().filter(CompletableFuture::isDone).count();
      Optional<JobStatus> status = coordinator.call(() -> client.getJob(job));
      long stored = status.map(JobStatus::submitted).orElse(0L);
      if (stored + ended >= futures.size()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException(
            "the coordinator stored "
                + stored
                + " of "
                + futures.size()
                + " tasks within --timeout "
                + coordinator.timeoutSeconds
                + " s");
      }
      Thread.sleep(ACK_POLL_MILLIS);
    }
  }

  private static void printIds(PrintWriter out, List<TaskFuture<Object>> futures, String job) {
    if (futures.size() <= MAX_LISTED) {
      futures.forEach(f -> out.println(Terminal.safe(f.taskId())));
    }
    out.println(
        "Follow them with: taskgrid status --job "
            + Terminal.safe(job)
            + (futures.size() <= MAX_LISTED ? "" : " (and list them with --tasks)"));
  }

  private void followWithProgress(List<TaskFuture<Object>> futures) {
    CompletableFuture<?> all =
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
    if (noProgress) {
      all.handle((v, e) -> null).join();
      return;
    }
    try (SubmitProgress progress =
        SubmitProgress.start(type, futures.size(), spec.commandLine().getErr())) {
      futures.forEach(f -> f.whenComplete((v, e) -> progress.step()));
      all.handle((v, e) -> null).join();
    }
  }

  private static String newJobId() {
    byte[] bytes = new byte[4];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "job-" + HexFormat.of().formatHex(bytes);
  }
}

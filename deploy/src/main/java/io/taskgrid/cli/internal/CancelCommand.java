package io.taskgrid.cli.internal;

import io.taskgrid.client.CancelOutcome;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.TaskState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid cancel}: cancels tasks and prints what the coordinator did with each. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancel tasks (cancel ID...) and print each outcome: REMOVED_FROM_QUEUE,"
          + " STOPPED_WHILE_RUNNING, ALREADY_FINISHED or NOT_FOUND.",
      "With --job JOB, cancel every task of the job (queued ones first) and print the count of"
          + " each outcome.",
      "Exits 1 if some task (or the job) was NOT_FOUND."
    })
final class CancelCommand implements Callable<Integer> {
  /**
   * Ids asked for per page and cancelled per call (the coordinator caps a page at its id limit,
   * default 10,000); 5,000 summaries with long error messages stay well under a 4 MiB reply.
   */
  static final int JOB_PAGE = 5_000;

  @Parameters(arity = "0..*", paramLabel = "ID", description = "Task ids.")
  List<String> taskIds = new ArrayList<>();

  @Option(
      names = "--job",
      paramLabel = "JOB",
      description = "Cancel every task of this job (tasks the job gets after the cancel run).")
  @Nullable String jobId;

  @Option(
      names = {"-f", "--force"},
      description = "Stop running CPU tasks hard (kill their child process after a grace period).")
  boolean force;

  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (taskIds.isEmpty() == (jobId == null)) {
      throw new UsageException("cancel: give task IDs or --job JOB (one of them)");
    }
    if (jobId != null) {
      return cancelJob(jobId);
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean allFound = true;
    try (TaskgridClient client = coordinator.connect()) {
      List<CompletableFuture<CancelOutcome>> outcomes = new ArrayList<>();
      for (String id : taskIds) {
        outcomes.add(client.cancel(id, force));
      }
      for (int i = 0; i < taskIds.size(); i++) {
        CancelOutcome outcome = await(outcomes.get(i));
        out.println(Terminal.safe(taskIds.get(i)) + "  " + outcome);
        allFound &= outcome != CancelOutcome.NOT_FOUND;
      }
    }
    out.flush();
    return allFound ? 0 : TaskgridCli.EXIT_FAILURE;
  }

  /**
   * Cancels the job's queued tasks first, then its running ones, then any queued meanwhile (a
   * retry): cancelling by id order instead would let each stopped task's slot go to a queued task
   * of the same job, only to stop that one too. Each pass lists a page (by task id, so tasks that
   * end meanwhile do not shift the pages) and cancels it in one call.
   */
  private int cancelJob(String job) {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Long> counts = new TreeMap<>();
    long ended;
    try (TaskgridClient unused = coordinator.connect();
        JobRpc rpc = new JobRpc(coordinator)) {
      ended =
          rpc.listTasks(
                  ListTasksRequest.newBuilder()
                      .setJobId(job)
                      .setState(TaskState.DONE)
                      .setLimit(1)
                      .build())
              .orElseThrow(
                  () -> new IllegalStateException("no job with id '" + Terminal.safe(job) + "'"))
              .getTotal();
      for (TaskState state : List.of(TaskState.QUEUED, TaskState.RUNNING, TaskState.QUEUED)) {
        cancelAll(rpc, job, state, counts);
      }
    }
    long cancelled = counts.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder sb = new StringBuilder();
    counts.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
    out.println(
        "job "
            + Terminal.safe(job)
            + ": "
            + cancelled
            + " task(s) cancelled"
            + (cancelled == 0 ? "" : " (" + sb + ")")
            + "; "
            + ended
            + " had already ended");
    out.flush();
    return 0;
  }

  /** Cancels every task of the job in {@code state}, a page at a time. */
  private void cancelAll(JobRpc rpc, String job, TaskState state, Map<String, Long> counts) {
    String token = "";
    do {
      ListTasksRequest request =
          ListTasksRequest.newBuilder()
              .setJobId(job)
              .setState(state)
              .setLimit(JOB_PAGE)
              .setPageToken(token)
              .build();
      Optional<ListTasksResponse> page = rpc.listTasks(request);
      if (page.isEmpty()) {
        return;
      }
      List<String> ids = new ArrayList<>();
      page.get().getTasksList().forEach(t -> ids.add(t.getTaskId()));
      if (!ids.isEmpty()) {
        for (var outcome : rpc.cancel(ids, force)) {
          counts.merge(outcome.getResult().name(), 1L, Long::sum);
        }
      }
      token = page.get().getNextPageToken();
    } while (!token.isEmpty());
  }

  private CancelOutcome await(CompletableFuture<CancelOutcome> outcome)
      throws InterruptedException {
    try {
      return outcome.get(coordinator.timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no cancel outcome within --timeout " + coordinator.timeoutSeconds + " s", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cancel failed: " + e.getCause().getMessage(), e);
    }
  }
}

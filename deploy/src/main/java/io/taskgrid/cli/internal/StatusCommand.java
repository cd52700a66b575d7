package io.taskgrid.cli.internal;

import io.taskgrid.client.Codecs;
import io.taskgrid.client.JobStatus;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.TaskSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid status}: what the coordinator knows about a task or a job. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a task with its output or error (status ID), a job's counts and its queued tasks"
          + " that no connected worker can run (status --job JOB), or a job's tasks a page at a"
          + " time (status --job JOB --tasks [--state S]).",
      "Exits 1 if the coordinator knows no such task or job."
    })
final class StatusCommand implements Callable<Integer> {
  /** An output is printed as text up to this size; above it (or binary), only its size. */
  static final int MAX_PRINTED_OUTPUT = 2048;

  /** {@code status --job} counts the waiting types over at most this many queued tasks. */
  static final int MAX_WAITING_SCAN = 50_000;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A task id.")
  @Nullable String taskId;

  @Option(names = "--job", paramLabel = "JOB", description = "Show this job instead of a task.")
  @Nullable String jobId;

  @Option(
      names = "--tasks",
      description = "With --job: list the job's tasks (a page of --limit, then the next command).")
  boolean tasks;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description =
          "With --tasks: only tasks in this state (QUEUED, RUNNING, DONE) or with this outcome"
              + " (SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, WORKER_LOST, REJECTED, LOST).")
  @Nullable String state;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "With --tasks: tasks per page (default: ${DEFAULT-VALUE}).")
  int limit = 50;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      description = "With --tasks: the page after this token (printed at the end of a page).")
  @Nullable String pageToken;

  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if ((taskId == null) == (jobId == null)) {
      throw new UsageException("status: give a task ID or --job JOB (one of them)");
    }
    if (jobId == null && (tasks || state != null || pageToken != null)) {
      throw new UsageException("status: --tasks, --state and --page-token go with --job JOB");
    }
    if (jobId != null && !tasks && (state != null || pageToken != null)) {
      throw new UsageException("status: --state and --page-token go with --tasks");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (tasks && jobId != null) {
      return new JobTaskList(coordinator, out).print(jobId, state, limit, pageToken);
    }
    try (TaskgridClient client = coordinator.connect()) {
      if (jobId != null) {
        String job = jobId;
        Optional<JobStatus> status = coordinator.call(() -> client.getJob(job));
        if (status.isEmpty()) {
          throw new IllegalStateException("no job with id '" + Terminal.safe(job) + "'");
        }
        printJob(out, status.get());
        if (status.get().queued() > 0) {
          printWaiting(out, job, client);
        }
      } else {
        String id = taskId;
        Optional<TaskStatus> status = coordinator.call(() -> client.getTask(id));
        if (status.isEmpty()) {
          throw new IllegalStateException("no task with id '" + Terminal.safe(id) + "'");
        }
        printTask(out, status.get());
        if (status.get().result().isPresent()) {
          try (JobRpc rpc = new JobRpc(coordinator)) {
            rpc.getTask(id).ifPresent(info -> printResult(out, info.getResult()));
          }
        }
        if (status.get().state() == io.taskgrid.client.TaskState.QUEUED) {
          WaitingNote.forQueued(status.get().type(), coordinator.call(client::workers))
              .ifPresent(note -> out.println("waiting    " + note));
        }
      }
    }
    out.flush();
    return 0;
  }

  /**
   * The job's queued tasks that wait for a worker offering their type, by type: the coordinator
   * accepts tasks of a type it remembers (--remember-types-for-s) while no connected worker offers
   * it, and "queued" alone would not say that nothing can run them. Reads at most {@link
   * #MAX_WAITING_SCAN} queued tasks (a page of up to 10,000 per call).
   */
  private void printWaiting(PrintWriter out, String job, TaskgridClient client) {
    Map<String, Long> byType = new HashMap<>();
    long counted = 0;
    String token = "";
    try (JobRpc rpc = new JobRpc(coordinator)) {
      do {
        Optional<ListTasksResponse> page =
            rpc.listTasks(
                ListTasksRequest.newBuilder()
                    .setJobId(job)
                    .setState(TaskState.QUEUED)
                    .setLimit(JobTaskList.MAX_LIMIT)
                    .setPageToken(token)
                    .build());
        if (page.isEmpty()) {
          return;
        }
        for (TaskSummary t : page.get().getTasksList()) {
          byType.merge(t.getType(), 1L, Long::sum);
        }
        counted += page.get().getTasksCount();
        token = page.get().getNextPageToken();
      } while (!token.isEmpty() && counted < MAX_WAITING_SCAN);
    }
    for (String note :
        WaitingNote.forJob(byType, coordinator.call(client::workers), !token.isEmpty())) {
      out.println("waiting    " + note);
    }
  }

  static void printJob(PrintWriter out, JobStatus job) {
    out.println("job        " + Terminal.safe(job.jobId()));
    out.println("submitted  " + job.submitted());
    out.println("queued     " + job.queued());
    out.println("running    " + job.running());
    out.println(
        "completed  "
            + job.completedTotal()
            + (job.completed().isEmpty() ? "" : " (" + outcomes(job) + ")"));
  }

  private static String outcomes(JobStatus job) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(job.completed())
        .forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return sb.toString();
  }

  static void printTask(PrintWriter out, TaskStatus task) {
    out.println("task       " + Terminal.safe(task.taskId()));
    out.println("type       " + Terminal.safe(task.type()));
    if (!task.jobId().isEmpty()) {
      out.println("job        " + Terminal.safe(task.jobId()));
    }
    out.println("state      " + task.state());
    out.println("attempt    " + task.attempt());
    if (!task.workerId().isEmpty()) {
      out.println("worker     " + Terminal.safe(task.workerId()));
    }
    if (task.result().isPresent()) {
      TaskResultInfo r = task.result().get();
      out.println("outcome    " + r.outcome());
      if (!r.workerId().isEmpty() && task.workerId().isEmpty()) {
        out.println("worker     " + Terminal.safe(r.workerId()));
      }
      r.submittedAt().ifPresent(t -> out.println("submitted  " + t));
      r.startedAt().ifPresent(t -> out.println("started    " + t));
      r.finishedAt().ifPresent(t -> out.println("finished   " + t));
      if (r.startedAt().isPresent() && r.finishedAt().isPresent()) {
        out.println("ran        " + millis(r.startedAt().get(), r.finishedAt().get()) + " ms");
      }
    }
  }

  /** The output (as text when it is short text, else its size) or the error's type and message. */
  static void printResult(PrintWriter out, TaskResult result) {
    if (result.getOutcome() == Outcome.SUCCEEDED) {
      if (result.getOutputOmitted()) {
        out.println("output     (too large for one reply)");
        return;
      }
      Payload output = result.getOutput();
      String type = output.getContentType().isEmpty() ? "raw bytes" : output.getContentType();
      String text = printable(output);
      if (text != null) {
        out.println("output     " + Terminal.safe(text));
      } else {
        out.println(
            "output     " + output.getData().size() + " bytes (" + Terminal.safe(type) + ")");
      }
      return;
    }
    TaskError error = result.getError();
    if (!error.getType().isEmpty()) {
      out.println("error      " + Terminal.safe(error.getType()));
    }
    if (!error.getMessage().isEmpty()) {
      out.println("message    " + Terminal.safe(error.getMessage()));
    }
  }

  /** The output as text when its type is textual, it is valid UTF-8 and short; else null. */
  private static @Nullable String printable(Payload output) {
    String type = output.getContentType();
    boolean textual =
        type.startsWith("text/") || type.startsWith(Codecs.JSON) || type.contains("+json");
    if (!textual || output.getData().size() > MAX_PRINTED_OUTPUT) {
      return null;
    }
    if (!output.getData().isValidUtf8()) {
      return null;
    }
    return output.getData().toStringUtf8();
  }

  private static long millis(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }
}

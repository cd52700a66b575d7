package io.taskgrid.cli.internal;

import io.taskgrid.client.JobStatus;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskgridClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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
      "Show a task (status ID) or a job's counts (status --job JOB).",
      "Exits 1 if the coordinator knows no such task or job."
    })
final class StatusCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "A task id.")
  @Nullable String taskId;

  @Option(names = "--job", paramLabel = "JOB", description = "Show this job instead of a task.")
  @Nullable String jobId;

  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if ((taskId == null) == (jobId == null)) {
      throw new UsageException("status: give a task ID or --job JOB (one of them)");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TaskgridClient client = coordinator.connect()) {
      if (jobId != null) {
        String job = jobId;
        Optional<JobStatus> status = coordinator.call(() -> client.getJob(job));
        if (status.isEmpty()) {
          throw new IllegalStateException("no job with id '" + Terminal.safe(job) + "'");
        }
        printJob(out, status.get());
      } else {
        String id = taskId;
        Optional<TaskStatus> status = coordinator.call(() -> client.getTask(id));
        if (status.isEmpty()) {
          throw new IllegalStateException("no task with id '" + Terminal.safe(id) + "'");
        }
        printTask(out, status.get());
        if (status.get().state() == io.taskgrid.client.TaskState.QUEUED) {
          WaitingNote.forQueued(status.get().type(), coordinator.call(client::workers))
              .ifPresent(note -> out.println("waiting    " + note));
        }
      }
    }
    out.flush();
    return 0;
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

  private static long millis(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }
}

package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskgridClient;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.TaskSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** {@code status --job JOB --tasks}: one page of a job's tasks, and how to get the next one. */
final class JobTaskList {
  static final int MAX_LIMIT = 10_000;

  private final CoordinatorAddress coordinator;
  private final PrintWriter out;

  JobTaskList(CoordinatorAddress coordinator, PrintWriter out) {
    this.coordinator = coordinator;
    this.out = out;
  }

  int print(String job, @Nullable String state, int limit, @Nullable String pageToken) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new UsageException("--limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
    }
    ListTasksRequest.Builder request = ListTasksRequest.newBuilder().setJobId(job).setLimit(limit);
    if (state != null) {
      filter(request, state);
    }
    if (pageToken != null) {
      request.setPageToken(pageToken);
    }
    Optional<ListTasksResponse> page;
    try (TaskgridClient unused = coordinator.connect();
        JobRpc rpc = new JobRpc(coordinator)) {
      page = rpc.listTasks(request.build());
    }
    if (page.isEmpty()) {
      throw new IllegalStateException("no job with id '" + Terminal.safe(job) + "'");
    }
    printPage(out, job, state, limit, page.get());
    out.flush();
    return 0;
  }

  /** {@code --state}: a state (QUEUED, RUNNING, DONE) or an outcome, in any case. */
  static void filter(ListTasksRequest.Builder request, String state) {
    String name = state.strip().toUpperCase(Locale.ROOT);
    for (TaskState s : TaskState.values()) {
      if (s != TaskState.UNRECOGNIZED
          && s != TaskState.TASK_STATE_UNSPECIFIED
          && s.name().equals(name)) {
        request.setState(s);
        return;
      }
    }
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.UNRECOGNIZED && o != Outcome.OUTCOME_UNSPECIFIED && o.name().equals(name)) {
        request.setOutcome(o);
        return;
      }
    }
    throw new UsageException(
        "--state: '"
            + Terminal.safe(state)
            + "' (expected: QUEUED, RUNNING, DONE, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT,"
            + " WORKER_LOST, REJECTED or LOST)");
  }

  static void printPage(
      PrintWriter out, String job, @Nullable String state, int limit, ListTasksResponse page) {
    String format = "%-36s %-9s %-11s %3s  %s%n";
    if (page.getTasksCount() > 0) {
      out.printf(Locale.ROOT, format, "TASK", "STATE", "OUTCOME", "TRY", "DETAIL");
    }
    for (TaskSummary t : page.getTasksList()) {
      out.printf(
          Locale.ROOT,
          format,
          Terminal.safe(t.getTaskId()),
          t.getState(),
          t.getState() == TaskState.DONE ? t.getOutcome() : "",
          t.getAttempt(),
          Terminal.safe(detail(t)));
    }
    String filter = state == null ? "" : " " + state.strip().toUpperCase(Locale.ROOT);
    out.println(
        page.getTasksCount()
            + " of "
            + page.getTotal()
            + filter
            + " task(s) of job "
            + Terminal.safe(job));
    if (!page.getNextPageToken().isEmpty()) {
      out.println(
          "Next page: taskgrid status --job "
              + Terminal.safe(job)
              + " --tasks --limit "
              + limit
              + (state == null ? "" : " --state " + state.strip().toUpperCase(Locale.ROOT))
              + " --page-token "
              + Terminal.safe(page.getNextPageToken()));
    }
  }

  private static String detail(TaskSummary t) {
    if (t.getState() != TaskState.DONE) {
      return t.getWorkerId().isEmpty() ? "" : "on " + t.getWorkerId();
    }
    if (t.getOutcome() == Outcome.SUCCEEDED) {
      return "output " + t.getOutputBytes() + " bytes";
    }
    String error = t.getErrorType();
    if (!t.getErrorMessage().isEmpty()) {
      error = error.isEmpty() ? t.getErrorMessage() : error + ": " + t.getErrorMessage();
    }
    return error;
  }
}

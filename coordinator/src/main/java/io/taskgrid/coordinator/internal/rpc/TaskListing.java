package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.TaskSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One page of a job's tasks (ListTasks) from the job's stored records: filtered, ordered by task
 * id, and cut after the page token (the last id of the previous page), so that pages stay stable
 * while tasks change state and no offset has to be remembered by the server.
 */
final class TaskListing {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_ERROR_CHARS = 200;

  private TaskListing() {}

  /** Refuses a request that cannot be answered (before the store is scanned). */
  static void check(ListTasksRequest req) {
    if (req.getJobId().isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("job_id is empty").asRuntimeException();
    }
    if (req.getLimit() < 0) {
      throw Status.INVALID_ARGUMENT
          .withDescription("limit " + req.getLimit() + " is negative")
          .asRuntimeException();
    }
    if (req.getState() == TaskState.UNRECOGNIZED || req.getOutcome() == Outcome.UNRECOGNIZED) {
      throw Status.INVALID_ARGUMENT
          .withDescription("unknown state or outcome")
          .asRuntimeException();
    }
    if (req.getOutcome() != Outcome.OUTCOME_UNSPECIFIED
        && req.getState() != TaskState.TASK_STATE_UNSPECIFIED
        && req.getState() != TaskState.DONE) {
      throw Status.INVALID_ARGUMENT
          .withDescription("an outcome filter needs state DONE or no state, not " + req.getState())
          .asRuntimeException();
    }
  }

  /**
   * @param records every record of the job (any order)
   * @param maxIds the server's id limit, the largest page
   */
  static ListTasksResponse page(ListTasksRequest req, List<TaskInfo> records, int maxIds) {
    if (records.isEmpty()) {
      throw Status.NOT_FOUND
          .withDescription("no job with id '" + req.getJobId() + "'")
          .asRuntimeException();
    }
    int limit = Math.min(req.getLimit() == 0 ? DEFAULT_LIMIT : req.getLimit(), maxIds);
    List<TaskInfo> matching = new ArrayList<>();
    for (TaskInfo r : records) {
      if (matches(req, r)) {
        matching.add(r);
      }
    }
    matching.sort(Comparator.comparing((TaskInfo r) -> r.getSpec().getId()));
    ListTasksResponse.Builder out = ListTasksResponse.newBuilder().setTotal(matching.size());
    String after = req.getPageToken();
    int start = 0;
    if (!after.isEmpty()) {
      while (start < matching.size()
          && matching.get(start).getSpec().getId().compareTo(after) <= 0) {
        start++;
      }
    }
    int end = Math.min(matching.size(), start + limit);
    for (int i = start; i < end; i++) {
      out.addTasks(summary(matching.get(i)));
    }
    if (end < matching.size()) {
      out.setNextPageToken(matching.get(end - 1).getSpec().getId());
    }
    return out.build();
  }

  private static boolean matches(ListTasksRequest req, TaskInfo r) {
    if (req.getState() != TaskState.TASK_STATE_UNSPECIFIED && r.getState() != req.getState()) {
      return false;
    }
    return req.getOutcome() == Outcome.OUTCOME_UNSPECIFIED
        || (r.getState() == TaskState.DONE && r.getResult().getOutcome() == req.getOutcome());
  }

  static TaskSummary summary(TaskInfo r) {
    TaskSummary.Builder s =
        TaskSummary.newBuilder()
            .setTaskId(r.getSpec().getId())
            .setType(r.getSpec().getType())
            .setState(r.getState())
            .setAttempt(r.getAttempt())
            .setWorkerId(r.getWorkerId())
            .setSubmittedUnixMs(r.getSubmittedUnixMs());
    if (r.getState() == TaskState.DONE) {
      TaskResult result = r.getResult();
      s.setOutcome(result.getOutcome()).setFinishedUnixMs(result.getFinishedUnixMs());
      if (s.getWorkerId().isEmpty()) {
        s.setWorkerId(result.getWorkerId());
      }
      if (result.getOutcome() == Outcome.SUCCEEDED) {
        s.setOutputBytes(result.getOutput().getData().size());
      } else {
        String message = result.getError().getMessage();
        s.setErrorType(result.getError().getType())
            .setErrorMessage(
                message.length() > MAX_ERROR_CHARS
                    ? message.substring(0, MAX_ERROR_CHARS - 3) + "..."
                    : message);
      }
    }
    return s.build();
  }
}

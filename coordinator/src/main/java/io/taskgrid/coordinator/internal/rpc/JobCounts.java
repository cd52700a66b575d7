package io.taskgrid.coordinator.internal.rpc;

import io.taskgrid.proto.v1.GetJobResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.OutcomeCount;
import io.taskgrid.proto.v1.TaskInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A job's counts computed from its stored records (for a job another coordinator accepted). */
final class JobCounts {
  private JobCounts() {}

  static GetJobResponse of(String jobId, List<TaskInfo> records) {
    long queued = 0;
    long running = 0;
    Map<String, Long> completed = new TreeMap<>();
    for (TaskInfo r : records) {
      switch (r.getState()) {
        case RUNNING -> running++;
        case DONE -> completed.merge(r.getResult().getOutcome().name(), 1L, Long::sum);
        default -> queued++;
      }
    }
    return GetJobResponse.newBuilder()
        .setJobId(jobId)
        .setSubmitted(records.size())
        .setQueued(queued)
        .setRunning(running)
        .putAllCompleted(completed)
        .build();
  }

  /**
   * {@code counts} with {@code completed_by_outcome} filled from the {@code completed} map (the
   * typed twin of its string keys), one entry per outcome with a non-zero count, in Outcome order.
   */
  static GetJobResponse typed(GetJobResponse counts) {
    GetJobResponse.Builder b = counts.toBuilder().clearCompletedByOutcome();
    for (Outcome o : Outcome.values()) {
      if (o == Outcome.UNRECOGNIZED) {
        continue;
      }
      long n = counts.getCompletedOrDefault(o.name(), 0L);
      if (n > 0) {
        b.addCompletedByOutcome(OutcomeCount.newBuilder().setOutcome(o).setCount(n));
      }
    }
    return b.build();
  }
}

package io.taskgrid.client;

import java.util.Map;

/**
 * The counts of one job's tasks, as returned by {@link TaskgridClient#getJob}. Counts are those of
 * the coordinator asked (a job submitted through several coordinators is split between them).
 *
 * @param jobId the job's id
 * @param submitted tasks accepted
 * @param queued tasks waiting for a worker
 * @param running tasks running on a worker
 * @param completed ended tasks by outcome name ({@code SUCCEEDED}, {@code FAILED}, ...)
 */
public record JobStatus(
    String jobId, long submitted, long queued, long running, Map<String, Long> completed) {
  /** Canonical constructor; copies {@code completed}. */
  public JobStatus {
    completed = Map.copyOf(completed);
  }

  /** Tasks that ended, whatever their outcome. */
  public long completedTotal() {
    return completed.values().stream().mapToLong(Long::longValue).sum();
  }
}

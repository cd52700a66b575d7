package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.GetJobResponse;
import io.taskgrid.proto.v1.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-job counters and task ids of this coordinator (not cluster-wide yet). Updated from the pool
 * executors with atomics; read by GetJob and Watch. Thread-safe.
 *
 * <p>Bounded (issue 18: it once kept every job's task ids for the coordinator's lifetime): a job
 * keeps the ids of at most {@code maxIdsPerJob} of its tasks, the latest (older ones' results are
 * past the retention budget, which is the same number, by then); a job with no live task is
 * finished, and of the finished jobs only the latest {@code maxFinishedJobs} are kept (a job
 * forgotten here answers NOT_FOUND to GetJob, as its results would have expired). Jobs with live
 * tasks are bounded by the queue limit.
 */
public final class JobStats {
  /** Finished jobs kept unless configured otherwise. */
  public static final int DEFAULT_MAX_FINISHED_JOBS = 10_000;

  /** Task ids kept per job unless configured otherwise (the default retention budget). */
  public static final int DEFAULT_MAX_IDS_PER_JOB = 500_000;

  private final int maxIdsPerJob;
  private final int maxFinishedJobs;
  private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();

  /** Jobs in the order they finished, each with the stamp of that finish. */
  private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

  private final AtomicInteger finishedCount = new AtomicInteger();

  private record Finished(String jobId, Job job, long stamp) {}

  private static final class Job {
    final LongAdder submitted = new LongAdder();
    final AtomicLong running = new AtomicLong();
    final AtomicLong live = new AtomicLong();
    final ConcurrentHashMap<Outcome, LongAdder> completed = new ConcurrentHashMap<>();
    final Queue<String> taskIds = new ConcurrentLinkedQueue<>();
    final AtomicInteger idCount = new AtomicInteger();

    /** Counts the times the job finished; a queued finish is stale once this moved on. */
    final AtomicLong finishes = new AtomicLong();
  }

  /** With the default bounds. */
  public JobStats() {
    this(DEFAULT_MAX_IDS_PER_JOB, DEFAULT_MAX_FINISHED_JOBS);
  }

  /**
   * @param maxIdsPerJob task ids kept per job (the latest)
   * @param maxFinishedJobs finished jobs kept (the latest to finish)
   */
  public JobStats(int maxIdsPerJob, int maxFinishedJobs) {
    if (maxIdsPerJob < 1 || maxFinishedJobs < 1) {
      throw new IllegalArgumentException(
          "JobStats bounds must be positive, were " + maxIdsPerJob + ", " + maxFinishedJobs);
    }
    this.maxIdsPerJob = maxIdsPerJob;
    this.maxFinishedJobs = maxFinishedJobs;
  }

  /**
   * A task accepted for the job. (Should this race with the job being forgotten, which needs the
   * job finished and 10,000 later jobs finished since, that task's counts go to the forgotten job:
   * a lock per accepted task to exclude it would cost the submit path more than it saves.)
   */
  void accepted(String jobId, String taskId) {
    if (!jobId.isEmpty()) {
      Job j = jobs.computeIfAbsent(jobId, k -> new Job());
      j.submitted.increment();
      if (j.live.incrementAndGet() == 1) {
        j.finishes.incrementAndGet(); // a queued finish of this job no longer stands
      }
      j.taskIds.add(taskId);
      if (j.idCount.incrementAndGet() > maxIdsPerJob && j.taskIds.poll() != null) {
        j.idCount.decrementAndGet();
      }
    }
  }

  void running(String jobId, int delta) {
    if (!jobId.isEmpty()) {
      Job j = jobs.get(jobId);
      if (j != null) {
        j.running.addAndGet(delta);
      }
    }
  }

  void completed(String jobId, Outcome outcome, boolean wasRunning) {
    if (!jobId.isEmpty()) {
      Job j = jobs.get(jobId);
      if (j == null) {
        return; // forgotten: it had no live task, so this cannot be one of its tasks
      }
      if (wasRunning) {
        j.running.decrementAndGet();
      }
      j.completed.computeIfAbsent(outcome, k -> new LongAdder()).increment();
      if (j.live.decrementAndGet() == 0) {
        finished(jobId, j);
      }
    }
  }

  private void finished(String jobId, Job j) {
    finished.add(new Finished(jobId, j, j.finishes.incrementAndGet()));
    if (finishedCount.incrementAndGet() <= maxFinishedJobs) {
      return;
    }
    Finished oldest = finished.poll();
    if (oldest == null) {
      return;
    }
    finishedCount.decrementAndGet();
    // Forget the job only if that finish still stands (no task accepted since) and it is the
    // same job object (not one re-created under the same id).
    jobs.computeIfPresent(
        oldest.jobId(),
        (id, job) ->
            job == oldest.job() && job.finishes.get() == oldest.stamp() && job.live.get() == 0
                ? null
                : job);
  }

  /** Tasks of the job accepted here and not yet ended. */
  public long live(String jobId) {
    Job j = jobs.get(jobId);
    return j == null ? 0 : j.live.get();
  }

  /** Whether this coordinator knows the job (it has live tasks, or finished recently). */
  public boolean known(String jobId) {
    return jobs.containsKey(jobId);
  }

  /** The ids of the job's latest tasks accepted here (at most {@code maxIdsPerJob}). */
  public List<String> taskIds(String jobId) {
    Job j = jobs.get(jobId);
    return j == null ? List.of() : List.copyOf(j.taskIds);
  }

  /** How many ids {@link #taskIds} holds, without copying them. */
  public int taskIdCount(String jobId) {
    Job j = jobs.get(jobId);
    return j == null ? 0 : j.idCount.get();
  }

  /** The number of jobs known here (for tests and metrics). */
  int jobCount() {
    return jobs.size();
  }

  /** The job's counts; zeros for an unknown job. */
  public GetJobResponse counts(String jobId) {
    GetJobResponse.Builder b = GetJobResponse.newBuilder().setJobId(jobId);
    Job j = jobs.get(jobId);
    if (j != null) {
      long running = j.running.get();
      b.setSubmitted(j.submitted.sum())
          .setRunning(running)
          .setQueued(Math.max(0, j.live.get() - running));
      for (Map.Entry<Outcome, LongAdder> e : j.completed.entrySet()) {
        b.putCompleted(e.getKey().name(), e.getValue().sum());
      }
    }
    return b.build();
  }
}

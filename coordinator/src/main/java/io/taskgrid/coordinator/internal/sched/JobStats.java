package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.GetJobResponse;
import io.taskgrid.proto.v1.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-job counters and task ids of this coordinator (not cluster-wide yet). Updated from the pool
 * executors with atomics; read by GetJob and Watch. Thread-safe.
 */
public final class JobStats {
  private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();

  private static final class Job {
    final LongAdder submitted = new LongAdder();
    final AtomicLong running = new AtomicLong();
    final AtomicLong live = new AtomicLong();
    final ConcurrentHashMap<Outcome, LongAdder> completed = new ConcurrentHashMap<>();
    final Queue<String> taskIds = new ConcurrentLinkedQueue<>();
  }

  void accepted(String jobId, String taskId) {
    if (!jobId.isEmpty()) {
      Job j = jobs.computeIfAbsent(jobId, k -> new Job());
      j.submitted.increment();
      j.live.incrementAndGet();
      j.taskIds.add(taskId);
    }
  }

  void running(String jobId, int delta) {
    if (!jobId.isEmpty()) {
      jobs.computeIfAbsent(jobId, k -> new Job()).running.addAndGet(delta);
    }
  }

  void completed(String jobId, Outcome outcome, boolean wasRunning) {
    if (!jobId.isEmpty()) {
      Job j = jobs.computeIfAbsent(jobId, k -> new Job());
      if (wasRunning) {
        j.running.decrementAndGet();
      }
      j.live.decrementAndGet();
      j.completed.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }
  }

  /** Tasks of the job accepted here and not yet ended. */
  public long live(String jobId) {
    Job j = jobs.get(jobId);
    return j == null ? 0 : j.live.get();
  }

  /** Whether this coordinator has seen the job. */
  public boolean known(String jobId) {
    return jobs.containsKey(jobId);
  }

  /** The ids of the job's tasks accepted here (kept for the coordinator's lifetime). */
  public List<String> taskIds(String jobId) {
    Job j = jobs.get(jobId);
    return j == null ? List.of() : List.copyOf(j.taskIds);
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

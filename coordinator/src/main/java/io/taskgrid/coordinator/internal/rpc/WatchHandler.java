package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.taskgrid.coordinator.internal.sched.CompletionHub;
import io.taskgrid.coordinator.internal.sched.CompletionSubscriber;
import io.taskgrid.coordinator.internal.sched.JobStats;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WatchResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Watch call. By ids: results already stored are sent first, then the rest as they end; ids
 * nobody knows are skipped. By job: the job's known results, then every later completion; the
 * stream ends when the job has no live task left on this coordinator.
 */
final class WatchHandler implements CompletionSubscriber {
  private final CompletionHub hub;
  private final JobStats jobs;
  private final TaskStore store;
  private final OutboundStream<WatchResponse> out;
  private final Set<String> remaining = ConcurrentHashMap.newKeySet();
  private final Set<String> sent = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile String jobId = "";

  /** A job this coordinator did not accept: its task ids come from the store, watched by id. */
  private volatile boolean remoteJob;

  WatchHandler(
      ServerCallStreamObserver<WatchResponse> observer,
      CompletionHub hub,
      JobStats jobs,
      TaskStore store,
      Executor outbound) {
    this.hub = hub;
    this.jobs = jobs;
    this.store = store;
    this.out = new OutboundStream<>("watch", observer, outbound, Messages::merge, this::stop);
  }

  void start(WatchRequest req) {
    if (!req.getJobId().isEmpty() && req.getTaskIdsCount() > 0) {
      out.fail(
          Status.INVALID_ARGUMENT.withDescription("watch either task_ids or job_id, not both"));
      return;
    }
    if (req.getJobId().isEmpty() && req.getTaskIdsCount() == 0) {
      out.fail(Status.INVALID_ARGUMENT.withDescription("watch needs task_ids or a job_id"));
      return;
    }
    List<String> ids;
    if (!req.getJobId().isEmpty() && !jobs.known(req.getJobId())) {
      watchRemoteJob(req.getJobId());
      return;
    }
    if (!req.getJobId().isEmpty()) {
      jobId = req.getJobId();
      hub.watchJob(jobId, this);
      ids = jobs.taskIds(jobId);
    } else {
      ids = List.copyOf(new LinkedHashSet<>(req.getTaskIdsList()));
      remaining.addAll(ids);
      for (String id : ids) {
        hub.watchTask(id, this);
      }
    }
    store
        .getAll(ids)
        .whenComplete(
            (found, e) -> {
              if (e != null) {
                stop();
                out.fail(StatusMapper.toStatus(e));
                return;
              }
              replay(ids, found);
            });
  }

  /**
   * Watches a job accepted by another coordinator: its records (from the store) name its tasks,
   * which are then watched by id (completions of every coordinator reach the hub); the stream ends
   * when each has ended. Tasks added to the job later are not included.
   */
  private void watchRemoteJob(String job) {
    remoteJob = true;
    store
        .jobRecords(job)
        .whenComplete(
            (records, e) -> {
              if (e != null) {
                out.fail(StatusMapper.toStatus(e));
                return;
              }
              if (records.isEmpty()) {
                out.fail(Status.NOT_FOUND.withDescription("no job with id '" + job + "'"));
                return;
              }
              List<String> ids = new ArrayList<>(records.size());
              Map<String, TaskInfo> found = new java.util.HashMap<>();
              for (TaskInfo r : records) {
                ids.add(r.getSpec().getId());
                found.put(r.getSpec().getId(), r);
              }
              remaining.addAll(ids);
              for (String id : ids) {
                hub.watchTask(id, this);
              }
              // Read again after subscribing: a task that ended in between is not missed.
              store
                  .getAll(ids)
                  .whenComplete(
                      (now, e2) -> {
                        if (e2 != null) {
                          stop();
                          out.fail(StatusMapper.toStatus(e2));
                          return;
                        }
                        replay(ids, now);
                      });
            });
  }

  private synchronized void replay(List<String> ids, Map<String, TaskInfo> found) {
    List<TaskResult> done = new ArrayList<>();
    for (String id : ids) {
      TaskInfo info = found.get(id);
      if (info == null) {
        // Unknown (or expired): nothing will ever complete it, so do not wait for it.
        remaining.remove(id);
        sent.add(id);
        hub.unwatchTask(id, this);
      } else if (info.getState() == TaskState.DONE) {
        done.add(info.getResult());
      }
    }
    onCompletions(done);
    finishIfDone();
  }

  @Override
  public synchronized void onCompletions(List<TaskResult> results) {
    List<TaskResult> fresh = new ArrayList<>();
    for (TaskResult r : results) {
      if (sent.add(r.getTaskId())) {
        fresh.add(r);
      }
      remaining.remove(r.getTaskId());
    }
    if (!fresh.isEmpty() && !finished.get()) {
      out.send(WatchResponse.newBuilder().addAllResults(fresh).build());
    }
    finishIfDone();
  }

  private void finishIfDone() {
    // A job is done when nothing of it is live and every task accepted for it has been sent
    // (live drops before the result is published, so live == 0 alone would end too early).
    boolean idle =
        jobId.isEmpty()
            ? remaining.isEmpty()
            : jobs.live(jobId) == 0 && sent.size() >= jobs.taskIds(jobId).size();
    if (idle && finished.compareAndSet(false, true)) {
      stop();
      out.complete();
    }
  }

  private void stop() {
    if (!jobId.isEmpty()) {
      hub.unwatchJob(jobId, this);
    }
    for (String id : remaining) {
      hub.unwatchTask(id, this);
    }
  }
}

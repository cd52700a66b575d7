package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.taskgrid.coordinator.internal.auth.Principal;
import io.taskgrid.coordinator.internal.auth.Tenants;
import io.taskgrid.coordinator.internal.sched.CompletionHub;
import io.taskgrid.coordinator.internal.sched.CompletionSubscriber;
import io.taskgrid.coordinator.internal.sched.JobStats;
import io.taskgrid.coordinator.internal.sched.WireIds;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Watch call. By ids: results already stored are sent first, then the rest as they end; an id
 * nobody knows (or another tenant's) ends the call NOT_FOUND before anything is sent. By job: the
 * job's known results, then every later completion; the stream ends when the job has no live task
 * left on this coordinator.
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
  private final Principal caller;
  private final int maxIdsPerRequest;
  private volatile int replyBudget;

  /** A job this coordinator did not accept: its task ids come from the store, watched by id. */
  private volatile boolean remoteJob;

  WatchHandler(
      ServerCallStreamObserver<WatchResponse> observer,
      Principal caller,
      CompletionHub hub,
      JobStats jobs,
      TaskStore store,
      OutboundStreams outbound,
      int maxIdsPerRequest) {
    this.caller = caller;
    this.hub = hub;
    this.jobs = jobs;
    this.store = store;
    this.out = outbound.client("watch", observer, Messages::merge, this::stop);
    this.maxIdsPerRequest = maxIdsPerRequest;
    this.replyBudget = outbound.limits().maxMessageBytes();
  }

  /** Runs {@code r} once the stream is over, however it ended. */
  void whenOver(Runnable r) {
    out.over().whenComplete((v, e) -> r.run());
  }

  /** Ends the stream with {@code status} (the coordinator stops). */
  CompletableFuture<Void> close(Status status) {
    if (finished.compareAndSet(false, true)) {
      stop();
    }
    return out.failAndWait(status);
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
    Status tooMany = ReplySizes.tooManyIds("watch", req.getTaskIdsCount(), maxIdsPerRequest);
    if (tooMany != null) {
      out.fail(tooMany);
      return;
    }
    String idProblem =
        req.getJobId().isEmpty()
            ? WireIds.listProblem("task id", req.getTaskIdsList())
            : WireIds.problem("job_id", req.getJobId());
    if (idProblem != null) {
      out.fail(Status.INVALID_ARGUMENT.withDescription(idProblem));
      return;
    }
    replyBudget = ReplySizes.budget(req.getMaxReplyBytes(), replyBudget);
    if (req.getTaskIdsCount() > 0) {
      // Only the caller's tenant's tasks: checked before subscribing, so no result of another
      // tenant's task is ever sent here; another tenant's id reads as an unknown one. An id
      // nobody knows ends the call NOT_FOUND (as GetTask answers, and as a Session's attach
      // answers it per id), instead of a silent OK that looks like "nothing to wait for".
      checkKnown(List.copyOf(new LinkedHashSet<>(req.getTaskIdsList())), true);
      return;
    }
    if (!req.getJobId().isEmpty()) {
      // Job ids are per tenant: the caller's tenant's job of that name.
      String key = Tenants.jobKey(caller.tenant(), req.getJobId());
      if (!jobs.known(key)) {
        // Accepted by another coordinator (or by one that left): its stored records name it.
        watchRemoteJob(key, req.getJobId());
        return;
      }
      jobId = key;
      hub.watchJob(jobId, this);
      replayFrom(jobs.taskIds(jobId), 0);
    } else {
      watchTasks(List.copyOf(new LinkedHashSet<>(req.getTaskIdsList())));
    }
  }

  /**
   * Reads the asked ids; watches them if each is the caller's, else ends NOT_FOUND naming the
   * others. An id missing from the store is read once more a little later before it is called
   * unknown: a result forwarded from another coordinator leaves a task in neither of the store's
   * maps for a moment (as for a Session's attach).
   */
  private void checkKnown(List<String> asked, boolean recheckMissing) {
    store
        .getAll(asked)
        .whenComplete(
            (found, e) -> {
              if (e != null) {
                out.fail(StatusMapper.toStatus(e));
                return;
              }
              List<String> unknown = new ArrayList<>();
              boolean onlyMissing = true;
              for (String id : asked) {
                TaskInfo info = found.get(id);
                if (info == null || !Tenants.visible(caller, info)) {
                  unknown.add(id);
                  onlyMissing &= info == null;
                }
              }
              if (unknown.isEmpty()) {
                watchTasks(asked);
              } else if (recheckMissing && onlyMissing) {
                CompletableFuture.delayedExecutor(MISSING_RECHECK_MILLIS, TimeUnit.MILLISECONDS)
                    .execute(() -> checkKnown(asked, false));
              } else {
                out.fail(Status.NOT_FOUND.withDescription(unknownIds(unknown)));
              }
            });
  }

  /** How long an id the store did not hold is given before the call ends NOT_FOUND. */
  static final long MISSING_RECHECK_MILLIS = 1_000;

  private static String unknownIds(List<String> unknown) {
    int shown = Math.min(unknown.size(), 10);
    String ids = String.join("', '", unknown.subList(0, shown));
    return "no task with id '"
        + ids
        + "'"
        + (unknown.size() > shown ? " (and " + (unknown.size() - shown) + " more)" : "")
        + ": its result expired (docs/RETENTION.md), it was never submitted, or it is another"
        + " tenant's; watch the others without it";
  }

  private void watchTasks(List<String> ids) {
    remaining.addAll(ids);
    for (String id : ids) {
      hub.watchTask(id, this);
    }
    replayFrom(ids, 0);
  }

  /**
   * Reads the known results a chunk of ids at a time, the next chunk once the previous one is
   * queued: a job of a million tasks is never held in memory at once.
   */
  private void replayFrom(List<String> ids, int from) {
    if (finished.get() || out.isCancelled()) {
      return;
    }
    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + READ_CHUNK));
    store
        .getAll(chunk)
        .whenComplete(
            (found, e) -> {
              if (e != null) {
                stop();
                out.fail(StatusMapper.toStatus(e));
                return;
              }
              int next = from + chunk.size();
              replay(chunk, found, next >= ids.size());
              if (next < ids.size()) {
                replayFrom(ids, next);
              }
            });
  }

  /**
   * Watches a job accepted by another coordinator: its records (from the store) name its tasks,
   * which are then watched by id (completions of every coordinator reach the hub); the stream ends
   * when each has ended. Tasks added to the job later are not included.
   */
  private void watchRemoteJob(String job, String shownAs) {
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
                out.fail(Status.NOT_FOUND.withDescription("no job with id '" + shownAs + "'"));
                return;
              }
              List<String> ids = new ArrayList<>(records.size());
              for (TaskInfo r : records) {
                ids.add(r.getSpec().getId());
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
                        replay(ids, now, true);
                      });
            });
  }

  /** Ids read from the store at once when replaying. */
  static final int READ_CHUNK = 500;

  private synchronized void replay(List<String> ids, Map<String, TaskInfo> found, boolean last) {
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
    if (last) {
      replayed = true;
      finishIfDone();
    }
  }

  /** Whether every chunk of the initial replay has been read (guarded by this). */
  private boolean replayed;

  @Override
  public synchronized void onCompletions(List<TaskResult> results) {
    List<TaskResult> fresh = new ArrayList<>();
    for (TaskResult r : results) {
      if (sent.add(r.getTaskId())) {
        fresh.add(ErrorReasons.fill(Tenants.forClient(r)));
      }
      remaining.remove(r.getTaskId());
    }
    if (!fresh.isEmpty() && !finished.get()) {
      int budget = replyBudget;
      List<TaskResult> fitted = new ArrayList<>(fresh.size());
      for (TaskResult r : fresh) {
        fitted.add(ReplySizes.fit(r, budget));
      }
      for (List<TaskResult> part : ReplySizes.chunks(fitted, budget)) {
        // Under this handler's monitor: a hand-off only, never a write to the transport here.
        out.sendLater(WatchResponse.newBuilder().addAllResults(part).build());
      }
    }
    if (replayed) {
      finishIfDone();
    }
  }

  private void finishIfDone() {
    // A job is done when nothing of it is live and every task accepted for it has been sent
    // (live drops before the result is published, so live == 0 alone would end too early).
    boolean idle =
        jobId.isEmpty()
            ? remaining.isEmpty()
            : jobs.live(jobId) == 0 && sent.size() >= jobs.taskIdCount(jobId);
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

package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.auth.Principal;
import io.taskgrid.coordinator.internal.auth.Principals;
import io.taskgrid.coordinator.internal.auth.Tenants;
import io.taskgrid.coordinator.internal.sched.CompletionHub;
import io.taskgrid.coordinator.internal.sched.JobStats;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.TaskIntake;
import io.taskgrid.coordinator.internal.sched.WireIds;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.CancelResponse;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.GetJobRequest;
import io.taskgrid.proto.v1.GetJobResponse;
import io.taskgrid.proto.v1.GetServerInfoRequest;
import io.taskgrid.proto.v1.GetServerInfoResponse;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetStatsResponse;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.GetTaskResponse;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.ListWorkersResponse;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolQueue;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.SubmitRequest;
import io.taskgrid.proto.v1.SubmitResponse;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The client-facing gRPC adapter: unpacks requests, calls the intake/scheduler/store (all
 * non-blocking), and maps every failure to a Status through {@link StatusMapper}. Safe to run on a
 * direct executor.
 */
public final class TaskGrpcService extends TaskServiceGrpc.TaskServiceImplBase {
  private final TaskIntake intake;
  private final Scheduler scheduler;
  private final CompletionHub hub;
  private final JobStats jobs;
  private final TaskStore store;
  private final OutboundStreams outbound;
  private final RequestLimits limits;
  private final GetServerInfoResponse serverInfo;
  private final Set<SessionHandler> sessions = ConcurrentHashMap.newKeySet();
  private final Set<WatchHandler> watches = ConcurrentHashMap.newKeySet();

  /**
   * @param outbound the shared pool on which per-stream serial senders run
   * @param serverInfo what GetServerInfo answers (the caller's tenant is added per call)
   */
  public TaskGrpcService(
      TaskIntake intake,
      Scheduler scheduler,
      CompletionHub hub,
      JobStats jobs,
      TaskStore store,
      OutboundStreams outbound,
      RequestLimits limits,
      GetServerInfoResponse serverInfo) {
    this.intake = intake;
    this.scheduler = scheduler;
    this.hub = hub;
    this.jobs = jobs;
    this.store = store;
    this.outbound = outbound;
    this.limits = limits;
    this.serverInfo = serverInfo;
  }

  @Override
  public StreamObserver<ClientMessage> session(StreamObserver<ServerMessage> responses) {
    SessionHandler session =
        new SessionHandler(
            (ServerCallStreamObserver<ServerMessage>) responses,
            Principals.current(),
            intake,
            scheduler,
            hub,
            store,
            outbound,
            limits);
    sessions.add(session);
    session.whenEnded(() -> sessions.remove(session));
    return session;
  }

  /** The store lost partitions: every session checks its watched tasks (see SessionHandler). */
  public void recheckSessions() {
    for (SessionHandler s : sessions) {
      s.recheckWatched();
    }
  }

  /**
   * Ends every open Session and Watch stream with UNAVAILABLE (this coordinator stops), so that
   * standard retry policies fire and clients fail over at once, resending unacked submits and
   * re-attaching acked tasks elsewhere. The returned stage completes when each status has been
   * handed to the transport: the server's forced shutdown after it would end a stream still open
   * with CANCELLED, which retry policies do not retry.
   */
  public CompletableFuture<Void> closeSessions() {
    return closeSessions(Status.UNAVAILABLE.withDescription("the coordinator is stopping"));
  }

  /**
   * Ends every open Session and Watch stream with {@code status} (UNAVAILABLE: clients fail over).
   */
  public CompletableFuture<Void> closeSessions(Status status) {
    List<CompletableFuture<Void>> closed = new ArrayList<>();
    for (SessionHandler s : sessions) {
      closed.add(s.close(status));
    }
    for (WatchHandler w : watches) {
      closed.add(w.close(status));
    }
    return CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new));
  }

  @Override
  public void submit(SubmitRequest req, StreamObserver<SubmitResponse> responses) {
    Principal caller = Principals.current();
    unary(
        responses,
        () -> {
          Status tooBig = intake.checkBatch(req.getTasksCount());
          if (tooBig != null) {
            throw tooBig.asRuntimeException();
          }
          return intake
              .submit(req.getTasksList(), caller.tenant(), null)
              .thenApply(
                  admission -> {
                    // Nobody watches on a unary call: schedule right away.
                    admission.schedule();
                    return SubmitResponse.newBuilder().addAllAcks(admission.acks()).build();
                  });
        });
  }

  @Override
  public void cancel(CancelRequest req, StreamObserver<CancelResponse> responses) {
    Principal caller = Principals.current();
    unary(
        responses,
        () -> {
          Status tooMany =
              ReplySizes.tooManyIds("cancel", req.getTaskIdsCount(), limits.maxIdsPerRequest());
          if (tooMany != null) {
            throw tooMany.asRuntimeException();
          }
          checkIds("task id", req.getTaskIdsList());
          // An operator's cancel: an id the store does not know is answered NOT_FOUND at once.
          return scheduler.cancel(req.getTaskIdsList(), req.getForce(), caller, false);
        });
  }

  @Override
  public void getTask(GetTaskRequest req, StreamObserver<GetTaskResponse> responses) {
    Principal caller = Principals.current();
    unary(
        responses,
        () -> {
          if (req.getTaskId().isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("task_id is empty").asRuntimeException();
          }
          checkIds("task_id", List.of(req.getTaskId()));
          int budget =
              ReplySizes.budget(req.getMaxReplyBytes(), outbound.limits().maxMessageBytes());
          return store
              .get(req.getTaskId())
              .thenApply(
                  info ->
                      GetTaskResponse.newBuilder()
                          .setTask(
                              ReplySizes.fit(
                                  info.filter(i -> Tenants.visible(caller, i))
                                      .map(Tenants::forClient)
                                      .map(ErrorReasons::fill)
                                      .orElseThrow(
                                          () ->
                                              Status.NOT_FOUND
                                                  .withDescription(
                                                      "no task with id '" + req.getTaskId() + "'")
                                                  .asRuntimeException()),
                                  budget))
                          .build());
        });
  }

  @Override
  public void getJob(GetJobRequest req, StreamObserver<GetJobResponse> responses) {
    // Job ids are per tenant: the caller's tenant's job of that name, or none.
    String key = Tenants.jobKey(Principals.current().tenant(), req.getJobId());
    unary(
        responses,
        () -> {
          if (req.getJobId().isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("job_id is empty").asRuntimeException();
          }
          checkIds("job_id", List.of(req.getJobId()));
          if (jobs.known(key)) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                JobCounts.typed(jobs.counts(key).toBuilder().setJobId(req.getJobId()).build()));
          }
          // Accepted by another coordinator (or by one that left): counted from the store. The
          // stored job id is the tenant's key, so another tenant's job of that name is not found.
          return store
              .jobRecords(key)
              .thenApply(
                  records -> {
                    if (records.isEmpty()) {
                      throw Status.NOT_FOUND
                          .withDescription("no job with id '" + req.getJobId() + "'")
                          .asRuntimeException();
                    }
                    return JobCounts.typed(JobCounts.of(req.getJobId(), records));
                  });
        });
  }

  @Override
  public void listTasks(ListTasksRequest req, StreamObserver<ListTasksResponse> responses) {
    // Job ids are per tenant: the stored job id is the tenant's key, so another tenant's job of
    // that name has no records here.
    String key = Tenants.jobKey(Principals.current().tenant(), req.getJobId());
    unary(
        responses,
        () -> {
          TaskListing.check(req);
          checkIds("job_id", List.of(req.getJobId()));
          if (!req.getPageToken().isEmpty()) {
            checkIds("page_token", List.of(req.getPageToken()));
          }
          return store
              .jobRecords(key)
              .thenApply(records -> TaskListing.page(req, records, limits.maxIdsPerRequest()));
        });
  }

  @Override
  public void listWorkers(ListWorkersRequest req, StreamObserver<ListWorkersResponse> responses) {
    unary(
        responses,
        () ->
            java.util.concurrent.CompletableFuture.completedFuture(
                ListWorkersResponse.newBuilder().addAllWorkers(scheduler.workers()).build()));
  }

  @Override
  public void watch(WatchRequest req, StreamObserver<WatchResponse> responses) {
    try {
      WatchHandler watch =
          new WatchHandler(
              (ServerCallStreamObserver<WatchResponse>) responses,
              Principals.current(),
              hub,
              jobs,
              store,
              outbound,
              limits.maxIdsPerRequest());
      watches.add(watch);
      watch.whenOver(() -> watches.remove(watch));
      watch.start(req);
    } catch (RuntimeException e) {
      responses.onError(StatusMapper.toStatus(e).asRuntimeException());
    }
  }

  @Override
  public void getStats(GetStatsRequest req, StreamObserver<GetStatsResponse> responses) {
    unary(
        responses,
        () ->
            scheduler
                .queued(Pool.IO)
                .thenCombine(
                    scheduler.queued(Pool.CPU),
                    (io, cpu) ->
                        GetStatsResponse.newBuilder()
                            .addQueues(PoolQueue.newBuilder().setPool(Pool.IO).setQueued(io))
                            .addQueues(PoolQueue.newBuilder().setPool(Pool.CPU).setQueued(cpu))
                            .setLive(scheduler.liveTasks())
                            .setAcceptedTotal(scheduler.acceptedTotal())
                            .setCompletedTotal(scheduler.completedTotal())
                            .build()));
  }

  @Override
  public void getServerInfo(
      GetServerInfoRequest req, StreamObserver<GetServerInfoResponse> responses) {
    responses.onNext(serverInfo.toBuilder().setTenant(Principals.current().tenant()).build());
    responses.onCompleted();
  }

  /** Runs a unary call whose answer is asynchronous; every failure becomes a Status. */
  private static <T> void unary(StreamObserver<T> responses, Supplier<CompletionStage<T>> call) {
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      responses.onError(StatusMapper.toStatus(e).asRuntimeException());
      return;
    }
    stage.whenComplete(
        (value, error) -> {
          if (error != null) {
            responses.onError(StatusMapper.toStatus(error).asRuntimeException());
          } else {
            responses.onNext(value);
            responses.onCompleted();
          }
        });
  }

  /** Refuses ids that break the wire rule (they would reach logs and terminals). */
  static void checkIds(String what, List<String> ids) {
    String problem = WireIds.listProblem(what, ids);
    if (problem != null) {
      throw Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException();
    }
  }
}

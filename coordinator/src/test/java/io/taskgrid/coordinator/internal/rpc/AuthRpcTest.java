package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.CoordinatorRuntime;
import io.taskgrid.coordinator.internal.auth.AuthInterceptor;
import io.taskgrid.coordinator.internal.auth.Credentials;
import io.taskgrid.coordinator.internal.auth.TokenFile;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.GetJobRequest;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ProgressUpdates;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WatchResponse;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication, roles, worker-id binding and result stamping on an in-process server whose
 * services sit behind the real {@link AuthInterceptor}, as {@code Coordinator} binds them.
 */
class AuthRpcTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String CLIENT = "client-token-0123456789";
  private static final String WORKER_A = "worker-a-token-0123456789";
  private static final String WORKER_B = "worker-b-token-0123456789";
  private static final String ADMIN = "admin-token-0123456789";
  private static final String OTHER = "other-tenant-token-0123456789";

  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;
  private final List<FakeWorker> workers = new ArrayList<>();
  private final List<SessionClient> sessions = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    Credentials credentials =
        TokenFile.parse(
            List.of(
                CLIENT + " client acme alice",
                WORKER_A + " worker acme wa",
                WORKER_B + " worker acme wb",
                ADMIN + " admin default root",
                OTHER + " client globex bob"),
            "tokens");
    CoordinatorOptions options = CoordinatorOptions.newBuilder().credentials(credentials).build();
    runtime =
        CoordinatorRuntime.create(
            options, exec -> new InMemoryTaskStore(options.clock(), options.resultTtl(), exec));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    AuthInterceptor auth = new AuthInterceptor(credentials);
    for (BindableService s : runtime.services()) {
      builder.addService(ServerInterceptors.intercept(s, auth));
    }
    builder.addService(new HealthStatusManager().getHealthService());
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    sessions.forEach(SessionClient::close);
    workers.forEach(FakeWorker::disconnect);
    await().atMost(WAIT).until(() -> runtime.scheduler().connectedWorkers() == 0);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    runtime.close();
  }

  private Channel as(@Nullable String token) {
    if (token == null) {
      return channel;
    }
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private TaskServiceGrpc.TaskServiceBlockingStub tasks(@Nullable String token) {
    return TaskServiceGrpc.newBlockingStub(as(token)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static List<WatchResponse> drain(Iterator<WatchResponse> it) {
    List<WatchResponse> all = new ArrayList<>();
    it.forEachRemaining(all::add);
    return all;
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private FakeWorker worker(String token, String id) {
    FakeWorker w = new FakeWorker(as(token), id, false, "echo");
    workers.add(w);
    return w;
  }

  private FakeWorker connected(String token, String id) {
    FakeWorker w = worker(token, id);
    await()
        .atMost(WAIT)
        .until(
            () -> runtime.scheduler().workers().stream().anyMatch(s -> s.getWorkerId().equals(id)));
    return w;
  }

  private static Status.Code refusal(FakeWorker w) {
    await().atMost(WAIT).until(() -> w.error != null);
    return Status.fromThrowable(w.error).getCode();
  }

  private double dropped() {
    Double v =
        runtime
            .metricsRegistry()
            .getSampleValue(
                "taskgrid_results_dropped_total",
                new String[] {"reason"},
                new String[] {"not_held"});
    return v == null ? 0 : v;
  }

  private static TaskSpec echo(String id) {
    return TaskSpec.newBuilder()
        .setId(id)
        .setType("echo")
        .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("x")))
        .build();
  }

  @Test
  void anonymous_unauthenticatedOnBothServices_healthOpen() {
    assertThat(code(() -> tasks(null).getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refusal(worker(null, "wa"))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isNotNull();
  }

  @Test
  void unknownOrMalformedToken_unauthenticated() {
    assertThat(
            code(
                () ->
                    tasks("not-a-known-token-at-all")
                        .getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    Metadata basic = new Metadata();
    basic.put(AuthInterceptor.AUTHORIZATION, "Basic " + CLIENT);
    Channel c =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(basic));
    assertThatThrownBy(
            () -> TaskServiceGrpc.newBlockingStub(c).getStats(GetStatsRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("Bearer");
  }

  @Test
  void clientToken_taskServiceYes_listWorkersAndWorkerServiceDenied() {
    assertThat(code(() -> tasks(CLIENT).getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.OK);
    assertThat(code(() -> tasks(CLIENT).listWorkers(ListWorkersRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refusal(worker(CLIENT, "alice"))).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void workerToken_taskServiceDenied() {
    assertThat(code(() -> tasks(WORKER_A).getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void adminToken_everything() {
    assertThat(code(() -> tasks(ADMIN).listWorkers(ListWorkersRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.OK);
    connected(ADMIN, "any-id-at-all");
  }

  @Test
  void workerToken_ownIdsOnly_anotherWorkersIdDenied() {
    connected(WORKER_A, "wa");
    connected(WORKER_A, "wa-host-12-abc");
    assertThat(refusal(worker(WORKER_B, "wa-host-99"))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refusal(worker(WORKER_B, "wax"))).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void forgedResult_fromStreamWithoutTheLease_droppedAndCounted_realResultWins() {
    FakeWorker a = connected(WORKER_A, "wa");
    FakeWorker b = connected(WORKER_B, "wb");
    a.credit(1);
    SessionClient s = new SessionClient(as(CLIENT));
    sessions.add(s);
    s.submit(echo("t1"));
    await().atMost(WAIT).until(() -> a.assigned.size() == 1);
    Assignment held = a.assigned.get(0);

    // b claims a's lease in the message: stamped with b's id, b holds nothing, so dropped.
    b.send(
        WorkerMessage.newBuilder()
            .setResults(
                WorkerResults.newBuilder()
                    .addResults(
                        TaskResult.newBuilder()
                            .setTaskId("t1")
                            .setAttempt(held.getAttempt())
                            .setWorkerId("wa")
                            .setOutcome(Outcome.SUCCEEDED)
                            .setOutput(
                                Payload.newBuilder().setData(ByteString.copyFromUtf8("forged")))))
            .build());
    await().atMost(WAIT).until(() -> dropped() == 1.0);
    assertThat(runtime.store().get("t1").toCompletableFuture().join().orElseThrow().getState())
        .isEqualTo(TaskState.RUNNING);

    a.answer(held, Outcome.SUCCEEDED);
    await().atMost(WAIT).until(() -> s.results.containsKey("t1"));
    assertThat(s.results.get("t1").getOutput().getData().toStringUtf8()).isEqualTo("x");
    assertThat(s.results.get("t1").getWorkerId()).isEqualTo("wa");
  }

  @Test
  void forgedResult_forTaskOfAnotherCoordinator_stampedWithStreamId_notStored() {
    // A task another coordinator leased to "wa": its record names wa, this coordinator has no
    // live task for it, so a report here goes to the store's lease check (completeLeases).
    runtime
        .store()
        .createAll(
            List.of(
                TaskInfo.newBuilder()
                    .setSpec(echo("remote"))
                    .setState(TaskState.RUNNING)
                    .setAttempt(1)
                    .setWorkerId("wa")
                    .setOwner("another-coordinator")
                    .build()))
        .toCompletableFuture()
        .join();
    FakeWorker b = connected(WORKER_B, "wb");

    b.send(
        WorkerMessage.newBuilder()
            .setResults(
                WorkerResults.newBuilder()
                    .addResults(
                        TaskResult.newBuilder()
                            .setTaskId("remote")
                            .setAttempt(1)
                            .setWorkerId("wa")
                            .setOutcome(Outcome.SUCCEEDED)))
            .build());

    await().atMost(WAIT).until(() -> dropped() == 1.0);
    assertThat(runtime.store().get("remote").toCompletableFuture().join().orElseThrow().getState())
        .isEqualTo(TaskState.RUNNING);
  }

  @Test
  void tenants_anotherTenantsTaskAndJob_notFoundEverywhere_ownJobOfSameNameSeparate() {
    FakeWorker a = connected(WORKER_A, "wa");
    a.credit(10);
    SessionClient acme = new SessionClient(as(CLIENT));
    sessions.add(acme);
    acme.submit(echo("t1").toBuilder().setJobId("j").build());
    await().atMost(WAIT).until(() -> a.assigned.size() == 1);

    // GetTask, GetJob: NOT_FOUND, the same as an id nobody used.
    assertThat(
            code(() -> tasks(OTHER).getTask(GetTaskRequest.newBuilder().setTaskId("t1").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> tasks(OTHER).getJob(GetJobRequest.newBuilder().setJobId("j").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    // Cancel: NOT_FOUND, and the task still runs.
    assertThat(
            tasks(OTHER)
                .cancel(CancelRequest.newBuilder().addTaskIds("t1").build())
                .getOutcomes(0)
                .getResult())
        .isEqualTo(CancelOutcome.Result.NOT_FOUND);
    // Watch by task id: NOT_FOUND, as GetTask answers (nothing of the task is sent).
    assertThat(
            code(
                () ->
                    drain(tasks(OTHER).watch(WatchRequest.newBuilder().addTaskIds("t1").build()))))
        .isEqualTo(Status.Code.NOT_FOUND);
    // Session attach: the id reads as unknown; resubmitting the id is a conflict.
    SessionClient globex = new SessionClient(as(OTHER));
    sessions.add(globex);
    globex.attach("t1");
    await().atMost(WAIT).until(() -> globex.results.containsKey("t1"));
    assertThat(globex.results.get("t1").getError().getType()).isEqualTo("NOT_FOUND");
    globex.submit(echo("t1").toBuilder().setJobId("j").build());
    await().atMost(WAIT).until(() -> globex.acks.size() == 1);
    assertThat(globex.acks.get(0).getCode()).isEqualTo("ALREADY_EXISTS");
    // Its own job "j" is another job.
    globex.submit(echo("t2").toBuilder().setJobId("j").build());
    await().atMost(WAIT).until(() -> a.assigned.size() == 2);
    assertThat(tasks(OTHER).getJob(GetJobRequest.newBuilder().setJobId("j").build()).getSubmitted())
        .isEqualTo(1);
    assertThat(
            tasks(CLIENT).getJob(GetJobRequest.newBuilder().setJobId("j").build()).getSubmitted())
        .isEqualTo(1);

    // The owner sees its task, with its own job id; so does an admin.
    a.answer(a.assigned.get(0), Outcome.SUCCEEDED);
    await().atMost(WAIT).until(() -> acme.results.containsKey("t1"));
    assertThat(acme.results.get("t1").getJobId()).isEqualTo("j");
    var mine = tasks(CLIENT).getTask(GetTaskRequest.newBuilder().setTaskId("t1").build()).getTask();
    assertThat(mine.getSpec().getJobId()).isEqualTo("j");
    assertThat(mine.getResult().getJobId()).isEqualTo("j");
    assertThat(mine.getTenant()).isEqualTo("acme");
    assertThat(
            tasks(ADMIN)
                .getTask(GetTaskRequest.newBuilder().setTaskId("t1").build())
                .getTask()
                .getState())
        .isEqualTo(TaskState.DONE);
    assertThat(drain(tasks(CLIENT).watch(WatchRequest.newBuilder().addTaskIds("t1").build())))
        .extracting(r -> r.getResults(0).getJobId())
        .containsExactly("j");
  }

  @Test
  void getServerInfo_clientOfATenant_answeredWithItsTenant_anonymousAndWorkerRefused() {
    var info =
        tasks(CLIENT).getServerInfo(io.taskgrid.proto.v1.GetServerInfoRequest.getDefaultInstance());

    assertThat(info.getTenant()).isEqualTo("acme");
    assertThat(info.getLimits().getMaxPayloadBytes()).isPositive();
    assertThat(
            tasks(OTHER)
                .getServerInfo(io.taskgrid.proto.v1.GetServerInfoRequest.getDefaultInstance())
                .getTenant())
        .isEqualTo("globex");
    assertThat(
            code(
                () ->
                    tasks(null)
                        .getServerInfo(
                            io.taskgrid.proto.v1.GetServerInfoRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            code(
                () ->
                    tasks(WORKER_A)
                        .getServerInfo(
                            io.taskgrid.proto.v1.GetServerInfoRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void progress_fromStreamWithoutTheLease_notForwarded() {
    FakeWorker a = connected(WORKER_A, "wa");
    FakeWorker b = connected(WORKER_B, "wb");
    a.credit(1);
    SessionClient s = new SessionClient(as(CLIENT));
    sessions.add(s);
    s.submit(echo("p1"));
    await().atMost(WAIT).until(() -> a.assigned.size() == 1);

    b.send(progress("p1", "forged"));
    // A forged result after it on the same stream: once it is counted, the progress before it
    // was handled too.
    b.send(
        WorkerMessage.newBuilder()
            .setResults(
                WorkerResults.newBuilder()
                    .addResults(
                        TaskResult.newBuilder()
                            .setTaskId("p1")
                            .setAttempt(1)
                            .setOutcome(Outcome.SUCCEEDED)))
            .build());
    await().atMost(WAIT).until(() -> dropped() == 1.0);
    a.send(progress("p1", "real"));

    await().atMost(WAIT).until(() -> !s.progress.isEmpty());
    assertThat(s.progress).extracting(TaskProgress::getMessage).containsOnly("real");
  }

  private static WorkerMessage progress(String taskId, String message) {
    return WorkerMessage.newBuilder()
        .setProgress(
            ProgressUpdates.newBuilder()
                .addUpdates(
                    TaskProgress.newBuilder()
                        .setTaskId(taskId)
                        .setAttempt(1)
                        .setFraction(0.5)
                        .setMessage(message)))
        .build();
  }
}

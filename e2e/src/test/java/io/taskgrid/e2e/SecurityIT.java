package io.taskgrid.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.internal.rpc.ChannelSecurity;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.GetJobRequest;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 against real processes: two coordinators (one Hazelcast cluster) serving TLS with a test
 * CA made at run time and a token file, and a real worker authenticating with its own token.
 * Anonymous callers, callers with the wrong role, workers with a wrong or another worker's
 * credential, a result forged through the other coordinator, and another tenant are all refused;
 * then {@code taskgrid local} plus {@code taskgrid submit} work with no flags at all.
 */
@Tag(E2eMachine.SHARES_THE_MACHINE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecurityIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String CLIENT_A = "client-acme-0123456789abcdef";
  private static final String CLIENT_B = "client-globex-0123456789abcdef";
  private static final String WORKER_1 = "worker-one-0123456789abcdef";
  private static final String WORKER_2 = "worker-two-0123456789abcdef";
  private static final String ADMIN = "admin-root-0123456789abcdef";

  @TempDir static Path workDir;

  private final List<TaskgridProcess> processes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private TestPki pki;
  private final List<String> targets = new ArrayList<>();
  private int metricsPortOfSecond;

  @BeforeAll
  void startCluster() throws Exception {
    pki = TestPki.create(workDir, "e2e");
    Path[] server = pki.server("coordinator");
    Path tokens = workDir.resolve("tokens");
    Files.writeString(
        tokens,
        String.join(
            "\n",
            "# token role tenant name",
            CLIENT_A + " client acme alice",
            CLIENT_B + " client globex bob",
            WORKER_1 + " worker acme w1",
            WORKER_2 + " worker acme w2",
            ADMIN + " admin default root",
            ""));
    int[] hzPorts = {InJvmCluster.freePort(), InJvmCluster.freePort()};
    List<String> members = List.of("127.0.0.1:" + hzPorts[0], "127.0.0.1:" + hzPorts[1]);
    String cluster = "security-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    List<TaskgridProcess> coordinators = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      TaskgridProcess c =
          TaskgridProcess.startClusterCoordinator(
              workDir,
              "coordinator-" + i,
              hzPorts[i],
              members,
              cluster,
              "--tls-cert",
              server[0].toString(),
              "--tls-key",
              server[1].toString(),
              "--auth-tokens",
              tokens.toString());
      processes.add(c);
      coordinators.add(c);
    }
    for (TaskgridProcess c : coordinators) {
      c.awaitCoordinator(WAIT, security(null).channelCredentials());
      targets.add(c.target());
    }
    metricsPortOfSecond = coordinators.get(1).awaitMetricsPort(WAIT);
    Path workerToken = tokenFile("w1", WORKER_1);
    processes.add(
        TaskgridProcess.start(
            "worker",
            workDir,
            "worker",
            "--coordinator",
            String.join(",", targets),
            "--token-file",
            workerToken.toString(),
            "--tls-ca",
            pki.caFile().toString(),
            "--id",
            "w1-main",
            "--cpu-processes",
            "1"));
    TaskServiceGrpc.TaskServiceBlockingStub admin = tasks(0, ADMIN);
    Awaitility.await("the worker on both coordinators")
        .atMost(WAIT)
        .until(
            () ->
                tasks(0, ADMIN)
                            .listWorkers(
                                io.taskgrid.proto.v1.ListWorkersRequest.getDefaultInstance())
                            .getWorkersCount()
                        == 1
                    && tasks(1, ADMIN)
                            .listWorkers(
                                io.taskgrid.proto.v1.ListWorkersRequest.getDefaultInstance())
                            .getWorkersCount()
                        == 1);
    assertThat(admin).isNotNull();
  }

  @AfterAll
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    // Workers first, so that the coordinators do not re-queue tasks of a worker they outlive.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  private ChannelSecurity security(@Nullable String token) {
    return new ChannelSecurity(true, pki.caFile(), null, null, token);
  }

  private Channel channel(int coordinator, @Nullable String token) {
    ManagedChannel c =
        Grpc.newChannelBuilder(targets.get(coordinator), security(token).channelCredentials())
            .build();
    channels.add(c);
    return c;
  }

  private TaskServiceGrpc.TaskServiceBlockingStub tasks(int coordinator, @Nullable String token) {
    return TaskServiceGrpc.newBlockingStub(channel(coordinator, token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private TaskgridClient client(String token) {
    return TaskgridClient.connect(
        ClientOptions.newBuilder()
            .target(targets.get(0))
            .tlsCaFile(pki.caFile())
            .token(token)
            .build());
  }

  private Path tokenFile(String name, String token) throws java.io.IOException {
    Path f = workDir.resolve(name + ".token");
    Files.writeString(f, token + "\n");
    return f;
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** A hand-written worker stream: says hello as {@code id}; records how the stream ends. */
  private static final class RawWorker implements StreamObserver<CoordinatorMessage> {
    final StreamObserver<WorkerMessage> requests;
    volatile @Nullable Throwable error;

    RawWorker(Channel channel, String id) {
      requests = WorkerServiceGrpc.newStub(channel).connect(this);
      requests.onNext(
          WorkerMessage.newBuilder()
              .setHello(
                  WorkerHello.newBuilder()
                      .setWorkerId(id)
                      .setNode("forger")
                      .addPools(
                          PoolSpec.newBuilder()
                              .setPool(Pool.IO)
                              .setCapacity(10)
                              .addHandlers("sleep")))
              .build());
    }

    Status.Code refusal() {
      Awaitility.await("the stream to fail").atMost(WAIT).until(() -> error != null);
      return Status.fromThrowable(error).getCode();
    }

    @Override
    public void onNext(CoordinatorMessage value) {}

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }

  @Test
  void anonymous_unauthenticatedOnTaskAndWorkerServiceOfEveryCoordinator() {
    for (int i = 0; i < 2; i++) {
      int c = i;
      assertThat(code(() -> tasks(c, null).getStats(GetStatsRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(new RawWorker(channel(c, null), "w1-anon").refusal())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    }
  }

  @Test
  void clientTokenOnWorkerService_permissionDenied_workerTokenOnTaskService_too() {
    assertThat(new RawWorker(channel(0, CLIENT_A), "alice").refusal())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> tasks(0, WORKER_1).getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            code(
                () ->
                    tasks(0, CLIENT_A)
                        .listWorkers(io.taskgrid.proto.v1.ListWorkersRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void workerWithWrongOrAnotherWorkersCredential_cannotConnect() {
    assertThat(new RawWorker(channel(0, "not-a-token-of-this-cluster"), "w1-main").refusal())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    // w2's token cannot claim w1's ids, on either coordinator.
    assertThat(new RawWorker(channel(0, WORKER_2), "w1-main").refusal())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(new RawWorker(channel(1, WORKER_2), "w1-other").refusal())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void forgedResultThroughTheOtherCoordinator_droppedAndNotStored() throws Exception {
    try (TaskgridClient alice = client(CLIENT_A)) {
      TaskFuture<Long> nap = alice.submit(TaskTypes.SLEEP, 120_000L);
      TaskServiceGrpc.TaskServiceBlockingStub admin = tasks(0, ADMIN);
      GetTaskRequest get = GetTaskRequest.newBuilder().setTaskId(nap.taskId()).build();
      Awaitility.await("the task to run on w1-main")
          .atMost(WAIT)
          .until(() -> admin.getTask(get).getTask().getState() == TaskState.RUNNING);
      TaskInfo running = admin.getTask(get).getTask();
      assertThat(running.getWorkerId()).isEqualTo("w1-main");

      // w2 (a valid worker credential) connects to the coordinator that does not schedule the
      // task and reports it done in w1-main's name.
      RawWorker forger = new RawWorker(channel(1, WORKER_2), "w2-forger");
      forger.requests.onNext(
          WorkerMessage.newBuilder()
              .setResults(
                  WorkerResults.newBuilder()
                      .addResults(
                          TaskResult.newBuilder()
                              .setTaskId(nap.taskId())
                              .setAttempt(running.getAttempt())
                              .setWorkerId("w1-main")
                              .setOutcome(Outcome.SUCCEEDED)
                              .setOutput(
                                  Payload.newBuilder()
                                      .setData(ByteString.copyFromUtf8("666"))
                                      .setContentType("application/json"))))
              .build());

      Awaitility.await("the forged result to be dropped")
          .atMost(WAIT)
          .until(() -> droppedOnSecond() >= 1.0);
      TaskInfo after = admin.getTask(get).getTask();
      assertThat(after.getState()).isEqualTo(TaskState.RUNNING);
      assertThat(after.getWorkerId()).isEqualTo("w1-main");
      assertThat(nap.isDone()).isFalse();
      forger.requests.onCompleted();
      nap.cancel(true);
    }
  }

  private double droppedOnSecond() throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPortOfSecond + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile("taskgrid_results_dropped_total\\{reason=\"not_held\",?\\} (\\S+)")
            .matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void tenantB_cannotSeeWatchOrCancelTenantAsTaskOrJob() throws Exception {
    try (TaskgridClient alice = client(CLIENT_A)) {
      TaskFuture<Long> nap =
          alice.submit(
              TaskTypes.SLEEP, 120_000L, TaskOptions.newBuilder().jobId("nightly").build());
      String id = nap.taskId();
      TaskServiceGrpc.TaskServiceBlockingStub bob = tasks(0, CLIENT_B);
      Awaitility.await("the task to be known")
          .atMost(WAIT)
          .until(() -> alice.getTask(id).isPresent());

      assertThat(code(() -> bob.getTask(GetTaskRequest.newBuilder().setTaskId(id).build())))
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(
              code(
                  () ->
                      tasks(1, CLIENT_B)
                          .getTask(GetTaskRequest.newBuilder().setTaskId(id).build())))
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(code(() -> bob.getJob(GetJobRequest.newBuilder().setJobId("nightly").build())))
          .isEqualTo(Status.Code.NOT_FOUND);
      List<Object> watched = new ArrayList<>();
      // Another tenant's task reads as one nobody submitted: NOT_FOUND, as GetTask answers.
      assertThat(
              code(
                  () ->
                      bob.watch(WatchRequest.newBuilder().addTaskIds(id).build())
                          .forEachRemaining(watched::add)))
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(watched).isEmpty();
      // Another tenant's job reads as one nobody submitted: NOT_FOUND, as GetJob answers.
      assertThat(
              code(
                  () ->
                      bob.watch(WatchRequest.newBuilder().setJobId("nightly").build())
                          .forEachRemaining(watched::add)))
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(watched).isEmpty();
      assertThat(
              bob.cancel(CancelRequest.newBuilder().addTaskIds(id).setForce(true).build())
                  .getOutcomes(0)
                  .getResult())
          .isEqualTo(CancelOutcome.Result.NOT_FOUND);

      assertThat(nap.isDone()).isFalse();
      assertThat(alice.getTask(id).orElseThrow().state())
          .isNotEqualTo(io.taskgrid.client.TaskState.DONE);
      assertThat(alice.getJob("nightly")).isPresent();
      nap.cancel(true);
    }
  }

  @Test
  void localAndSubmit_noFlags_work_anonymousRefused() throws Exception {
    TaskgridProcess local =
        TaskgridProcess.start("local", workDir, "local", "--port", "0", "--cpu-processes", "1");
    processes.add(local);
    Pattern listening = Pattern.compile("listening on (127\\.0\\.0\\.1:\\d+)");
    String[] target = {null};
    local.await(
        WAIT,
        "its address",
        () -> {
          Matcher m = listening.matcher(Files.readString(workDir.resolve("local.log"), UTF_8));
          if (m.find()) {
            target[0] = m.group(1);
            return true;
          }
          return false;
        });
    ManagedChannel anonymous =
        Grpc.newChannelBuilder(target[0], io.grpc.InsecureChannelCredentials.create()).build();
    channels.add(anonymous);
    assertThat(
            code(
                () ->
                    TaskServiceGrpc.newBlockingStub(anonymous)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    // Only the address differs from the README's command: the test's cluster is on a free port.
    Path lib = Paths.get(System.getProperty("taskgrid.dist.lib", "../deploy/target/dist/lib"));
    Process submit =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                lib.toAbsolutePath() + "/*",
                "io.taskgrid.cli.internal.TaskgridCli",
                "submit",
                "echo",
                "-i",
                "hello",
                "--wait",
                "--coordinator",
                target[0])
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("submit.log").toFile())
            .start();
    assertThat(submit.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(submit.exitValue())
        .as(Files.readString(workDir.resolve("submit.log"), UTF_8))
        .isZero();
  }
}

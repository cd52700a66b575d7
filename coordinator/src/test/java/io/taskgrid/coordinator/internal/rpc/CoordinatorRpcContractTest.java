package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.ErrorReason;
import io.taskgrid.proto.v1.GetJobRequest;
import io.taskgrid.proto.v1.GetServerInfoRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.Heartbeat;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.OutcomeCount;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.RejectCode;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitRequest;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.TaskSummary;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WatchResponse;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's RPC behaviour through the generated stubs, a fake client and a fake worker.
 * Runs in-process and over real Netty (the latter also exercises framing and size limits).
 */
abstract class CoordinatorRpcContractTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final int MAX_PAYLOAD = 1024;
  static final int MAX_BATCH = 50;
  private static final AtomicInteger RUN = new AtomicInteger();

  /** Options every subclass uses (small limits so the limit tests stay small). */
  static CoordinatorOptions.Builder testOptions() {
    return CoordinatorOptions.newBuilder()
        .host("127.0.0.1")
        .port(0)
        .hazelcastPort(0)
        .clusterName("rpc-test-" + System.nanoTime())
        .maxPayloadBytes(MAX_PAYLOAD)
        .maxBatchSize(MAX_BATCH);
  }

  abstract Channel channel();

  abstract Scheduler scheduler();

  /** Runs after the test's clients are closed. */
  void afterClients() {}

  private final List<FakeWorker> workers = new ArrayList<>();
  private final List<SessionClient> sessions = new ArrayList<>();

  /** Unique per test: the Netty subclass shares one coordinator (and store) across tests. */
  String p;

  /**
   * The echo handler's name in this test: unique, so tasks left queued by another test on the
   * shared Netty coordinator are never handed to this test's workers.
   */
  String echoType;

  @BeforeAll
  static void fastPolling() {
    // Conditions here hold within milliseconds; the 100 ms default would dominate the suite.
    Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
    Awaitility.setDefaultPollDelay(Duration.ZERO);
  }

  @AfterAll
  static void defaultPolling() {
    Awaitility.reset();
  }

  @BeforeEach
  void prefix() {
    p = "r" + RUN.incrementAndGet() + "-" + System.nanoTime() + "-";
    echoType = "echo-" + p;
  }

  @AfterEach
  void closeClients() {
    sessions.forEach(SessionClient::close);
    workers.forEach(FakeWorker::disconnect);
    await().atMost(WAIT).until(() -> scheduler().connectedWorkers() == 0);
    afterClients();
  }

  FakeWorker worker(boolean autoAnswer, String... handlers) {
    FakeWorker w = new FakeWorker(channel(), p + "w" + workers.size(), autoAnswer, handlers);
    workers.add(w);
    await()
        .atMost(WAIT)
        .until(() -> scheduler().workers().stream().anyMatch(s -> s.getWorkerId().equals(w.id)));
    return w;
  }

  SessionClient session() {
    SessionClient s = new SessionClient(channel());
    sessions.add(s);
    return s;
  }

  TaskServiceGrpc.TaskServiceBlockingStub stub() {
    return TaskServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  TaskSpec echo(String id, String data) {
    return TaskSpec.newBuilder()
        .setId(p + id)
        .setType(echoType)
        .setPayload(
            Payload.newBuilder()
                .setData(ByteString.copyFromUtf8(data))
                .setContentType("text/plain"))
        .build();
  }

  @Test
  void session_submitWithWorker_ackThenCompletionPushed() {
    FakeWorker w = worker(true, echoType);
    w.credit(10);
    SessionClient s = session();

    s.submit(echo("a", "hello"), echo("b", "world"));

    await().atMost(WAIT).until(() -> s.results.size() == 2);
    assertThat(s.acks)
        .extracting(SubmitAck::getStatus)
        .containsExactly(SubmitAck.Status.ACCEPTED, SubmitAck.Status.ACCEPTED);
    assertThat(s.results.get(p + "a").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(s.results.get(p + "a").getOutput().getData().toStringUtf8()).isEqualTo("hello");
    assertThat(s.results.get(p + "b").getAttempt()).isEqualTo(1);
    assertThat(s.results.get(p + "b").getWorkerId()).isEqualTo(w.id);
    assertThat(w.assigned)
        .extracting(a -> a.getSpec().getId())
        .containsExactlyInAnyOrder(p + "a", p + "b");
  }

  @Test
  void session_badIds_rejectedInOrderWithReasons() {
    worker(true, echoType);
    SessionClient s = session();

    s.submit(
        echo("ok", "x"),
        echo("", "x").toBuilder().setId("").build(),
        echo("bad id!", "x"),
        echo("x".repeat(129), "x"),
        echo("notype", "x").toBuilder().setType("").build());

    await().atMost(WAIT).until(() -> s.acks.size() == 5);
    assertThat(s.acks.get(0).getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);
    assertThat(s.acks.subList(1, 5))
        .allSatisfy(
            a -> {
              assertThat(a.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
              assertThat(a.getCode()).isEqualTo("INVALID_ARGUMENT");
            });
    assertThat(s.acks.get(1).getMessage()).contains("empty");
    assertThat(s.acks.get(2).getMessage()).contains("bad character");
    assertThat(s.acks.get(3).getMessage()).contains("longer than 128");
    assertThat(s.acks.get(4).getMessage()).contains("type is empty");
  }

  @Test
  void session_unknownTypeWithWorkerConnected_rejectedInvalidArgument() {
    worker(true, echoType, "noop");
    SessionClient s = session();

    s.submit(echo("a", "x").toBuilder().setType("foo").build());

    await().atMost(WAIT).until(() -> s.acks.size() == 1);
    assertThat(s.acks.get(0).getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(s.acks.get(0).getMessage())
        .startsWith("unknown task type 'foo' (known: ")
        .contains(echoType, "noop");
  }

  @Test
  void session_oversizePayload_resourceExhaustedWithSizes() {
    worker(true, echoType);
    SessionClient s = session();

    s.submit(echo("big", "y".repeat(MAX_PAYLOAD + 1)), echo("small", "y"));

    await().atMost(WAIT).until(() -> s.acks.size() == 2);
    assertThat(s.acks.get(0).getCode()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(s.acks.get(0).getMessage())
        .contains(String.valueOf(MAX_PAYLOAD + 1), String.valueOf(MAX_PAYLOAD));
    assertThat(s.acks.get(1).getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);
  }

  @Test
  void session_noWorkerConnected_waitsThenRunsWhenWorkerConnects() {
    String type = "late-" + p;
    SessionClient s = session();
    s.submit(echo("a", "x").toBuilder().setType(type).build());
    await().atMost(WAIT).until(() -> s.acks.size() == 1);
    assertThat(s.acks.get(0).getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);

    FakeWorker w = worker(true, type);
    w.credit(1);

    await().atMost(WAIT).until(() -> s.results.containsKey(p + "a"));
    assertThat(s.results.get(p + "a").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void submit_sameIdSameSpec_duplicate_differentSpec_alreadyExists() {
    worker(false, echoType);
    stub().submit(SubmitRequest.newBuilder().addTasks(echo("a", "x")).build());

    List<SubmitAck> acks =
        stub()
            .submit(
                SubmitRequest.newBuilder()
                    .addTasks(echo("a", "x"))
                    .addTasks(echo("a", "other"))
                    .build())
            .getAcksList();

    assertThat(acks.get(0).getStatus()).isEqualTo(SubmitAck.Status.DUPLICATE);
    assertThat(acks.get(1).getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(acks.get(1).getCode()).isEqualTo("ALREADY_EXISTS");
  }

  @Test
  void session_duplicateOfFinishedTask_completionSentAgain() {
    FakeWorker w = worker(true, echoType);
    w.credit(5);
    SessionClient first = session();
    first.submit(echo("a", "x"));
    await().atMost(WAIT).until(() -> first.results.containsKey(p + "a"));

    SessionClient second = session();
    second.submit(echo("a", "x"));

    await().atMost(WAIT).until(() -> second.results.containsKey(p + "a"));
    assertThat(second.acks.get(0).getStatus()).isEqualTo(SubmitAck.Status.DUPLICATE);
  }

  @Test
  void submit_batchOverLimit_invalidArgumentAndStillServing() {
    SubmitRequest.Builder big = SubmitRequest.newBuilder();
    for (int i = 0; i <= MAX_BATCH; i++) {
      big.addTasks(echo("t" + i, "x"));
    }

    assertThatThrownBy(() -> stub().submit(big.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(String.valueOf(MAX_BATCH));
            });
    assertThat(stub().listWorkers(ListWorkersRequest.getDefaultInstance())).isNotNull();
  }

  @Test
  void session_batchOverLimit_streamFailsInvalidArgument() {
    SessionClient s = session();
    List<TaskSpec> specs = new ArrayList<>();
    for (int i = 0; i <= MAX_BATCH; i++) {
      specs.add(echo("t" + i, "x"));
    }

    s.submit(specs.toArray(new TaskSpec[0]));

    await().atMost(WAIT).until(() -> s.error != null);
    assertThat(Status.fromThrowable(s.error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void getTask_unknown_notFound_done_hasResult() {
    FakeWorker w = worker(true, echoType);
    w.credit(1);
    SessionClient s = session();
    s.submit(echo("a", "x"));
    await().atMost(WAIT).until(() -> s.results.containsKey(p + "a"));

    var info = stub().getTask(GetTaskRequest.newBuilder().setTaskId(p + "a").build()).getTask();

    assertThat(info.getState()).isEqualTo(TaskState.DONE);
    assertThat(info.getResult().getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThatThrownBy(
            () -> stub().getTask(GetTaskRequest.newBuilder().setTaskId(p + "nope").build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void session_cancelQueued_removedFromQueueAndCancelledCompletion() {
    worker(false, echoType); // no credits: the task stays queued
    SessionClient s = session();
    s.submit(echo("a", "x"));
    await().atMost(WAIT).until(() -> s.acks.size() == 1);

    // (An id the coordinator has never seen is held for PendingCancels.TTL before NOT_FOUND: see
    // SchedulerTest#cancel_ofATaskThatNeverAppears_expiresAfterTheTtlAsNotFound.)
    s.cancel(p + "a");

    await().atMost(WAIT).until(() -> s.cancels.size() == 1 && s.results.containsKey(p + "a"));
    assertThat(s.cancels)
        .extracting(CancelOutcome::getResult)
        .containsExactly(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(s.results.get(p + "a").getOutcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void connect_hello_answeredWithOneHelloAckEvenWithoutWork() {
    FakeWorker w = worker(false, "idle-" + p);

    await().atMost(WAIT).until(() -> w.received.stream().anyMatch(m -> m.hasHelloAck()));
    w.credit(1);
    session().submit(echo("a", "x").toBuilder().setType("idle-" + p).build());
    await().atMost(WAIT).until(() -> w.assigned.size() == 1);
    assertThat(w.received.stream().filter(m -> m.hasHelloAck())).hasSize(1);
  }

  @Test
  void connect_firstMessageNotHello_failedPrecondition() {
    FakeWorker.Recorder recorder = new FakeWorker.Recorder();
    StreamObserver<WorkerMessage> raw = FakeWorker.raw(channel(), recorder);

    raw.onNext(
        WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(1)).build());

    await().atMost(WAIT).until(() -> recorder.error != null);
    assertThat(Status.fromThrowable(recorder.error).getCode())
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    raw.onCompleted();
  }

  @Test
  void connect_workerStreamEnds_taskReassignedWithNextAttempt() {
    // A type of its own: the Netty suite shares one coordinator, whose queue may hold echo
    // tasks left by other tests.
    String type = "echo-" + p;
    FakeWorker silent = worker(false, type);
    silent.credit(1);
    SessionClient s = session();
    s.submit(echo("a", "x").toBuilder().setType(type).build());
    await().atMost(WAIT).until(() -> silent.assigned.size() == 1);

    silent.disconnect();
    FakeWorker good = worker(true, type);
    good.credit(1);

    await().atMost(WAIT).until(() -> s.results.containsKey(p + "a"));
    assertThat(s.results.get(p + "a").getAttempt()).isEqualTo(2);
    assertThat(s.results.get(p + "a").getWorkerId()).isEqualTo(good.id);
  }

  @Test
  void watch_taskIds_streamsResultsAndEnds() {
    FakeWorker w = worker(true, echoType);
    w.credit(5);
    SessionClient s = session();
    s.submit(echo("a", "1"), echo("b", "2"));
    await().atMost(WAIT).until(() -> s.results.size() == 2);

    Iterator<WatchResponse> it =
        stub().watch(WatchRequest.newBuilder().addTaskIds(p + "a").addTaskIds(p + "b").build());
    List<String> seen = new ArrayList<>();
    it.forEachRemaining(r -> r.getResultsList().forEach(x -> seen.add(x.getTaskId())));

    assertThat(seen).containsExactlyInAnyOrder(p + "a", p + "b");
  }

  @Test
  void watch_job_endsWhenJobDone() {
    FakeWorker w = worker(false, echoType);
    SessionClient s = session();
    String job = p + "job";
    s.submit(
        echo("a", "1").toBuilder().setJobId(job).build(),
        echo("b", "2").toBuilder().setJobId(job).build());
    await().atMost(WAIT).until(() -> s.acks.size() == 2);
    Iterator<WatchResponse> it = stub().watch(WatchRequest.newBuilder().setJobId(job).build());

    w.credit(2);
    await().atMost(WAIT).until(() -> w.assigned.size() == 2);
    w.assigned.forEach(a -> w.answer(a, Outcome.SUCCEEDED));
    List<String> seen = new ArrayList<>();
    it.forEachRemaining(r -> r.getResultsList().forEach(x -> seen.add(x.getTaskId())));

    assertThat(seen).containsExactlyInAnyOrder(p + "a", p + "b");
    var counts = stub().getJob(GetJobRequest.newBuilder().setJobId(job).build());
    assertThat(counts.getSubmitted()).isEqualTo(2);
    assertThat(counts.getCompletedMap()).containsEntry("SUCCEEDED", 2L);
  }

  @Test
  void listTasks_job_pagedByIdFilteredByStateAndOutcome_otherJobNotFound() {
    FakeWorker w = worker(false, echoType);
    SessionClient s = session();
    String job = p + "job";
    List<TaskSpec> specs = new ArrayList<>();
    for (String id : List.of("e", "d", "c", "b", "a")) {
      specs.add(echo(id, "out-" + id).toBuilder().setJobId(job).build());
    }
    s.submit(specs.toArray(new TaskSpec[0]));
    await().atMost(WAIT).until(() -> s.acks.size() == 5);
    w.credit(2);
    await().atMost(WAIT).until(() -> w.assigned.size() == 2);
    w.answer(w.assigned.get(0), Outcome.SUCCEEDED);
    w.answer(w.assigned.get(1), Outcome.FAILED);
    await().atMost(WAIT).until(() -> s.results.size() == 2);

    ListTasksResponse first =
        stub().listTasks(ListTasksRequest.newBuilder().setJobId(job).setLimit(3).build());
    ListTasksResponse second =
        stub()
            .listTasks(
                ListTasksRequest.newBuilder()
                    .setJobId(job)
                    .setLimit(3)
                    .setPageToken(first.getNextPageToken())
                    .build());
    ListTasksResponse queued =
        stub()
            .listTasks(
                ListTasksRequest.newBuilder().setJobId(job).setState(TaskState.QUEUED).build());
    ListTasksResponse failed =
        stub()
            .listTasks(
                ListTasksRequest.newBuilder().setJobId(job).setOutcome(Outcome.FAILED).build());

    assertThat(first.getTotal()).isEqualTo(5);
    assertThat(first.getTasksList())
        .extracting(TaskSummary::getTaskId)
        .containsExactly(p + "a", p + "b", p + "c");
    assertThat(second.getTasksList())
        .extracting(TaskSummary::getTaskId)
        .containsExactly(p + "d", p + "e");
    assertThat(second.getNextPageToken()).isEmpty();
    assertThat(queued.getTotal()).isEqualTo(3);
    assertThat(queued.getTasksList()).allMatch(t -> t.getState() == TaskState.QUEUED);
    assertThat(failed.getTasksList())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getErrorType()).isEqualTo("IllegalStateException");
              assertThat(t.getErrorMessage()).isEqualTo("boom");
            });
    assertThatThrownBy(
            () -> stub().listTasks(ListTasksRequest.newBuilder().setJobId(p + "nope").build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(
            () ->
                stub()
                    .listTasks(
                        ListTasksRequest.newBuilder()
                            .setJobId(job)
                            .setState(TaskState.QUEUED)
                            .setOutcome(Outcome.FAILED)
                            .build()))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void getServerInfo_limitsOfTheOptionsInForce_versionAndTenant() {
    var info = stub().getServerInfo(GetServerInfoRequest.getDefaultInstance());

    assertThat(info.getProtocol()).isEqualTo("taskgrid.v1");
    assertThat(info.getServerVersion()).isNotEmpty();
    assertThat(info.getTenant()).isEqualTo("default");
    var l = info.getLimits();
    CoordinatorOptions defaults = CoordinatorOptions.getDefaultInstance();
    assertThat(l.getMaxPayloadBytes()).isEqualTo(MAX_PAYLOAD);
    assertThat(l.getMaxBatchSize()).isEqualTo(MAX_BATCH);
    assertThat(l.getMaxIdsPerRequest()).isEqualTo(defaults.maxIdsPerRequest());
    assertThat(l.getMaxMessageBytes()).isEqualTo(defaults.maxMessageBytes());
    assertThat(l.getMaxInboundMessageBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(l.getMaxQueuedTasks()).isEqualTo(defaults.maxQueuedTasks());
    assertThat(l.getMaxQueuedTasksPerTenant()).isEqualTo(defaults.maxQueuedTasksPerTenant());
    assertThat(l.getMaxQueuedTasksPerSession()).isEqualTo(defaults.maxQueuedTasksPerSession());
    assertThat(l.getResultTtlMs()).isEqualTo(defaults.resultTtl().toMillis());
    assertThat(l.getRetainedMaxResults()).isEqualTo(defaults.retainedMax());
    assertThat(l.getNotReadingTimeoutMs()).isEqualTo(defaults.notReadingTimeout().toMillis());
    assertThat(l.getLeaseTimeoutMs()).isEqualTo(defaults.leaseTimeout().toMillis());
    assertThat(l.getMaxIdChars()).isEqualTo(128);
    assertThat(l.getMaxLabels()).isEqualTo(64);
    assertThat(l.getDefaultMaxAttempts()).isEqualTo(3);
    assertThat(l.getMaxAttempts()).isEqualTo(100);
    assertThat(l.getDefaultCancelGraceMs()).isEqualTo(2_000);
  }

  @Test
  void watch_unknownTaskId_endsNotFoundNamingIt() {
    FakeWorker w = worker(true, echoType);
    w.credit(1);
    SessionClient s = session();
    s.submit(echo("a", "1"));
    await().atMost(WAIT).until(() -> s.results.size() == 1);
    List<WatchResponse> seen = new ArrayList<>();

    Iterator<WatchResponse> it =
        stub()
            .watch(WatchRequest.newBuilder().addTaskIds(p + "a").addTaskIds(p + "nobody").build());

    assertThatThrownBy(() -> it.forEachRemaining(seen::add))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).contains(p + "nobody");
            });
    assertThat(seen).isEmpty();
  }

  @Test
  void session_handlerThrewJavaException_neutralReasonAndClassApart() {
    FakeWorker w = worker(false, echoType);
    SessionClient s = session();
    s.submit(echo("a", "1"), echo("b", "2"));
    w.credit(2);
    await().atMost(WAIT).until(() -> w.assigned.size() == 2);
    failWith(w, w.assigned.get(0), "java.lang.IllegalArgumentException", "bad input");
    failWith(w, w.assigned.get(1), "com.example.Oops", "broken");
    await().atMost(WAIT).until(() -> s.results.size() == 2);

    var invalid = s.results.get(p + "a").getError();
    assertThat(invalid.getReason()).isEqualTo(ErrorReason.ERROR_REASON_INVALID_INPUT);
    assertThat(invalid.getExceptionClass()).isEqualTo("java.lang.IllegalArgumentException");
    assertThat(invalid.getType()).isEqualTo("java.lang.IllegalArgumentException");
    var other = s.results.get(p + "b").getError();
    assertThat(other.getReason()).isEqualTo(ErrorReason.ERROR_REASON_HANDLER_ERROR);
    assertThat(other.getExceptionClass()).isEqualTo("com.example.Oops");
    // GetTask carries the same reason.
    var stored = stub().getTask(GetTaskRequest.newBuilder().setTaskId(p + "a").build()).getTask();
    assertThat(stored.getResult().getError().getReason())
        .isEqualTo(ErrorReason.ERROR_REASON_INVALID_INPUT);
  }

  private static void failWith(FakeWorker w, Assignment a, String type, String message) {
    w.send(
        WorkerMessage.newBuilder()
            .setResults(
                WorkerResults.newBuilder()
                    .addResults(
                        TaskResult.newBuilder()
                            .setTaskId(a.getSpec().getId())
                            .setAttempt(a.getAttempt())
                            .setWorkerId(w.id)
                            .setOutcome(Outcome.FAILED)
                            .setError(TaskError.newBuilder().setType(type).setMessage(message))))
            .build());
  }

  @Test
  void session_cancelQueuedAndAttachUnknown_reasonsCancelledAndNotFound() {
    SessionClient s = session();
    s.submit(echo("q", "1"));
    await().atMost(WAIT).until(() -> s.acks.size() == 1);
    s.cancel(p + "q");
    s.attach(p + "never");
    await().atMost(WAIT).until(() -> s.results.size() == 2);

    TaskResult cancelled = s.results.get(p + "q");
    assertThat(cancelled.getError().getReason()).isEqualTo(ErrorReason.ERROR_REASON_CANCELLED);
    assertThat(cancelled.getAttempt()).as("never ran").isZero();
    assertThat(s.results.get(p + "never").getError().getReason())
        .isEqualTo(ErrorReason.ERROR_REASON_NOT_FOUND);
  }

  @Test
  void session_rejectedAcks_typedRejectCodeNextToTheString() {
    SessionClient s = session();
    s.submit(echo("big", "x".repeat(MAX_PAYLOAD + 1)), echo("bad id!", "1"));
    await().atMost(WAIT).until(() -> s.acks.size() == 2);

    assertThat(s.acks)
        .extracting(SubmitAck::getCode, SubmitAck::getRejectCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "RESOURCE_EXHAUSTED", RejectCode.REJECT_CODE_RESOURCE_EXHAUSTED),
            org.assertj.core.groups.Tuple.tuple(
                "INVALID_ARGUMENT", RejectCode.REJECT_CODE_INVALID_ARGUMENT));
  }

  @Test
  void getJob_completedCounts_typedByOutcomeNextToTheMap() {
    FakeWorker w = worker(false, echoType);
    SessionClient s = session();
    String job = p + "job";
    s.submit(
        echo("a", "1").toBuilder().setJobId(job).build(),
        echo("b", "2").toBuilder().setJobId(job).build(),
        echo("c", "3").toBuilder().setJobId(job).build());
    w.credit(3);
    await().atMost(WAIT).until(() -> w.assigned.size() == 3);
    w.answer(w.assigned.get(0), Outcome.SUCCEEDED);
    w.answer(w.assigned.get(1), Outcome.SUCCEEDED);
    w.answer(w.assigned.get(2), Outcome.FAILED);
    await().atMost(WAIT).until(() -> s.results.size() == 3);

    var counts = stub().getJob(GetJobRequest.newBuilder().setJobId(job).build());

    assertThat(counts.getCompletedMap()).containsEntry("SUCCEEDED", 2L).containsEntry("FAILED", 1L);
    assertThat(counts.getCompletedByOutcomeList())
        .extracting(OutcomeCount::getOutcome, OutcomeCount::getCount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Outcome.SUCCEEDED, 2L),
            org.assertj.core.groups.Tuple.tuple(Outcome.FAILED, 1L));
  }

  @Test
  void listWorkers_connectedWorker_listedWithPools() {
    FakeWorker w = worker(false, echoType, "noop");

    var workers = stub().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersList();

    assertThat(workers)
        .anySatisfy(
            s -> {
              assertThat(s.getWorkerId()).isEqualTo(w.id);
              assertThat(s.getPools(0).getHandlersList()).containsExactly(echoType, "noop");
            });
  }

  @Test
  void session_attachAfterDone_completionSentAtOnce() {
    FakeWorker w = worker(true, echoType);
    w.credit(1);
    stub().submit(SubmitRequest.newBuilder().addTasks(echo("a", "x")).build());
    await()
        .atMost(WAIT)
        .until(
            () ->
                stub()
                        .getTask(GetTaskRequest.newBuilder().setTaskId(p + "a").build())
                        .getTask()
                        .getState()
                    == TaskState.DONE);

    SessionClient s = session();
    s.attach(p + "a");

    await().atMost(WAIT).until(() -> s.results.containsKey(p + "a"));
  }
}

package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.CoordinatorRuntime;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.GetJobRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WatchResponse;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Names from the wire that would forge a log line or drive a terminal (newlines, ESC sequences) are
 * refused with INVALID_ARGUMENT, and the refusal itself shows them escaped.
 */
class WireIdRpcTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String NEWLINE_ID = "w1\n12:00:00 INFO forged line";
  private static final String ESCAPE_ID = "job\u001b[2J\u001b[H";

  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    CoordinatorOptions options =
        CoordinatorOptions.newBuilder().clusterName("wire-ids-" + System.nanoTime()).build();
    runtime =
        CoordinatorRuntime.create(
            options, exec -> new InMemoryTaskStore(options.clock(), options.resultTtl(), exec));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    for (BindableService s : runtime.services()) {
      builder.addService(s);
    }
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    runtime.close();
  }

  @Test
  void hello_workerIdWithNewline_invalidArgumentShowingItEscaped() {
    Status status = helloStatus(hello(NEWLINE_ID, "echo").build());

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .contains("hello.worker_id 'w1\\n12:00:00 INFO forged line' has a bad character at index 2")
        .doesNotContain("\n");
    assertThat(runtime.scheduler().connectedWorkers()).isZero();
  }

  @Test
  void hello_handlerNameOrLabelWithControlCharacters_invalidArgument() {
    assertThat(helloStatus(hello("w1", "echo\u001b[31m").build()).getDescription())
        .startsWith("hello handler name 'echo\\u001b[31m' has a bad character");
    assertThat(
            helloStatus(hello("w2", "echo").putLabels("zone", "eu\r\nx").build()).getDescription())
        .contains("hello.labels: label 'zone' has a control character at index 2")
        .doesNotContain("\r");
    assertThat(helloStatus(hello("w3", "echo").setNode("node 1").build()).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void submit_jobIdWithEscapeSequence_rejectedShowingItEscaped() {
    SessionClient s = new SessionClient(channel);
    try {
      s.submit(TaskSpec.newBuilder().setId("t1").setType("echo").setJobId(ESCAPE_ID).build());

      await().atMost(WAIT).until(() -> s.acks.size() == 1);
      SubmitAck ack = s.acks.get(0);
      assertThat(ack.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
      assertThat(ack.getCode()).isEqualTo("INVALID_ARGUMENT");
      assertThat(ack.getMessage())
          .contains("job id 'job\\u001b[2J\\u001b[H' has a bad character at index 3")
          .doesNotContain("\u001b");
    } finally {
      s.close();
    }
  }

  @Test
  void unaryCalls_badIds_invalidArgument() {
    TaskServiceGrpc.TaskServiceBlockingStub stub =
        TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

    assertInvalid(() -> stub.getTask(GetTaskRequest.newBuilder().setTaskId(NEWLINE_ID).build()));
    assertInvalid(() -> stub.getJob(GetJobRequest.newBuilder().setJobId(ESCAPE_ID).build()));
    assertInvalid(() -> stub.cancel(CancelRequest.newBuilder().addTaskIds(ESCAPE_ID).build()));
    assertInvalid(
        () -> stub.getTask(GetTaskRequest.newBuilder().setTaskId("x".repeat(129)).build()));
  }

  @Test
  void watch_badJobId_invalidArgument() throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    TaskServiceGrpc.newStub(channel)
        .watch(
            WatchRequest.newBuilder().setJobId(ESCAPE_ID).build(),
            new StreamObserver<WatchResponse>() {
              @Override
              public void onNext(WatchResponse value) {}

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });

    Status status = ended.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("job_id 'job\\u001b[2J");
  }

  @Test
  void session_attachWithBadId_streamFailsInvalidArgument() {
    SessionClient s = new SessionClient(channel);
    s.attach("ok", NEWLINE_ID);

    await().atMost(WAIT).until(() -> s.error != null);
    assertThat(Status.fromThrowable(s.error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e -> {
              Status st = ((StatusRuntimeException) e).getStatus();
              assertThat(st.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(st.getDescription()).doesNotContain("\n").doesNotContain("\u001b");
            });
  }

  private static WorkerHello.Builder hello(String id, String handler) {
    return WorkerHello.newBuilder()
        .setWorkerId(id)
        .setNode("test-node")
        .addPools(PoolSpec.newBuilder().setPool(Pool.IO).setCapacity(10).addHandlers(handler));
  }

  private Status helloStatus(WorkerHello hello) {
    FakeWorker.Recorder recorder = new FakeWorker.Recorder();
    StreamObserver<WorkerMessage> requests = FakeWorker.raw(channel, recorder);
    requests.onNext(WorkerMessage.newBuilder().setHello(hello).build());
    await().atMost(WAIT).until(() -> recorder.error != null);
    return Status.fromThrowable(recorder.error);
  }
}

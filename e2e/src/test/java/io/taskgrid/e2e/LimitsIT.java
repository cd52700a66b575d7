package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskRejectedException;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.proto.v1.AttachRequest;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.GetServerInfoRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitRequest;
import io.taskgrid.proto.v1.SubmitResponse;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 against real processes: legal payloads up to the 4 MiB limit and the batch shapes that
 * once broke the worker's stream complete without WORKER_LOST; a client that stops reading loses
 * nothing; a 2,000,000-id attach is refused and the coordinator keeps serving; a flooding client is
 * refused per task while another client is served.
 */
@Tag(E2eMachine.SHARES_THE_MACHINE)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LimitsIT {
  private static final int KB = 1000;

  @TempDir Path workDir;

  private final List<TaskgridProcess> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  /** A coordinator with room for the large-payload shapes, and one worker; returns the target. */
  private String cluster(String... coordinatorFlags) throws Exception {
    TaskgridProcess coordinator =
        TaskgridProcess.startCoordinator(workDir, List.of("-Xmx1500m"), coordinatorFlags);
    processes.add(coordinator);
    processes.add(
        TaskgridProcess.startWithJvm(
            List.of(),
            List.of("-Xmx1g"),
            "worker",
            workDir,
            "worker",
            "--coordinator",
            coordinator.target(),
            "--cpu-processes",
            "1"));
    return coordinator.target();
  }

  @Test
  void payloadAtTheLimitAndLargeBatches_completeWithCorrectOutputs_noWorkerLost() throws Exception {
    String target = cluster();
    try (TaskgridClient client = TaskgridClient.connect(target)) {
      String fourMib = "x".repeat(4 * 1024 * 1024);
      assertThat(client.submit(TaskTypes.ECHO, fourMib).get(2, TimeUnit.MINUTES))
          .isEqualTo(fourMib);

      echoBatch(client, 120, 1000 * KB);
      echoBatch(client, 400, 100 * KB);
      echoBatch(client, 2000, 20 * KB);
    }
  }

  /** Submits n echoes of the given size and checks every output (no WORKER_LOST, no mix-up). */
  private static void echoBatch(TaskgridClient client, int n, int size) throws Exception {
    List<String> inputs = new ArrayList<>(n);
    List<TaskFuture<String>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String input = (i + "-").repeat(size / (Integer.toString(i).length() + 1) + 1);
      input = input.substring(0, size);
      inputs.add(input);
      futures.add(client.submit(TaskTypes.ECHO, input));
    }
    for (int i = 0; i < n; i++) {
      assertThat(futures.get(i).get(2, TimeUnit.MINUTES))
          .as("echo %d of %d x %d bytes", i, n, size)
          .isEqualTo(inputs.get(i));
    }
  }

  @Test
  void clientThatStopsReadingFor30s_thenResumes_receivesEveryResult() throws Exception {
    String target = cluster("--not-reading-timeout-ms", "5000");
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      int n = 100;
      RawSession paused = new RawSession(channel, false);
      List<TaskSpec> specs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        specs.add(
            TaskSpec.newBuilder()
                .setId("slow-" + i + "-" + System.nanoTime())
                .setType("echo")
                .setPayload(
                    Payload.newBuilder()
                        .setData(ByteString.copyFromUtf8(("r" + i).repeat(100 * KB / 2))))
                .build());
      }
      for (int i = 0; i < n; i += 10) {
        paused.send(
            ClientMessage.newBuilder()
                .setSubmit(SubmitRequest.newBuilder().addAllTasks(specs.subList(i, i + 10)))
                .build());
      }

      // The scenario itself: the client reads nothing for 30 s while its results pile up.
      Thread.sleep(30_000);
      paused.resume();
      await().atMost(Duration.ofSeconds(60)).until(() -> paused.ended);

      // The coordinator closed the stream it could not deliver on, saying nothing was lost.
      assertThat(paused.error).isNotNull();
      assertThat(Status.fromThrowable(paused.error).getCode())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(Status.fromThrowable(paused.error).getDescription()).contains("not reading");
      // Re-attach on a new stream, as the SDK does, for whatever did not arrive.
      List<String> missing = new ArrayList<>();
      for (TaskSpec s : specs) {
        if (!paused.results.containsKey(s.getId())) {
          missing.add(s.getId());
        }
      }
      RawSession again = new RawSession(channel, true);
      again.send(
          ClientMessage.newBuilder()
              .setAttach(AttachRequest.newBuilder().addAllTaskIds(missing))
              .build());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> again.results.keySet().containsAll(missing));
      for (TaskSpec s : specs) {
        TaskResult r =
            paused.results.containsKey(s.getId())
                ? paused.results.get(s.getId())
                : again.results.get(s.getId());
        assertThat(r.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(r.getOutput().getData()).isEqualTo(s.getPayload().getData());
      }
      again.close();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void attachOfTwoMillionIds_refusedNamingTheLimit_coordinatorKeepsServing() throws Exception {
    String target = cluster();
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      RawSession s = new RawSession(channel, true);
      AttachRequest.Builder attach = AttachRequest.newBuilder();
      for (int i = 0; i < 2_000_000; i++) {
        attach.addTaskIds(String.format("missing-%07d", i));
      }
      s.send(ClientMessage.newBuilder().setAttach(attach).build());
      attach = null;

      await().atMost(Duration.ofSeconds(90)).until(() -> s.ended);
      Status status = Status.fromThrowable(s.error);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).contains("2000000", "limit of 10000");
      try (TaskgridClient client = TaskgridClient.connect(target)) {
        assertThat(client.submit(TaskTypes.ECHO, "still serving").get(60, TimeUnit.SECONDS))
            .isEqualTo("still serving");
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void clientFloodingPastItsQuota_getsResourceExhausted_whileAnotherClientIsServed()
      throws Exception {
    String target = cluster("--max-queued-tasks-per-session", "500");
    try (TaskgridClient flooder = TaskgridClient.connect(target);
        TaskgridClient other = TaskgridClient.connect(target)) {
      List<TaskFuture<Long>> flood = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        flood.add(flooder.submit(TaskTypes.SLEEP, 5_000L));
      }
      List<TaskFuture<String>> served = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        served.add(other.submit(TaskTypes.ECHO, "other-" + i));
      }

      for (int i = 0; i < 20; i++) {
        assertThat(served.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("other-" + i);
      }
      int refused = 0;
      for (TaskFuture<Long> f : flood.subList(500, 1500)) {
        try {
          f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(TaskRejectedException.class);
          TaskRejectedException r = (TaskRejectedException) e.getCause();
          assertThat(r.code()).isEqualTo("RESOURCE_EXHAUSTED");
          assertThat(r.getMessage()).contains("this session");
          refused++;
        }
      }
      assertThat(refused).isGreaterThan(800);
    }
  }

  /**
   * The heap headroom on the launcher's collector: ParallelGC's old generation holds two thirds of
   * the heap, and a flood of queued tasks (no worker) fills it while the heap as a whole is under
   * the 85 % limit. The coordinator refuses RESOURCE_EXHAUSTED naming its old generation, stays up,
   * keeps every task it accepted and goes on serving.
   */
  @Test
  void floodIntoAParallelGcHeap_refusedWhenTheOldGenerationFills_acceptedTasksKept()
      throws Exception {
    TaskgridProcess coordinator =
        TaskgridProcess.startCoordinator(workDir, List.of("-Xmx512m", "-XX:+UseParallelGC"));
    processes.add(coordinator);
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(coordinator.target()).usePlaintext().build();
    try {
      TaskServiceGrpc.TaskServiceBlockingStub stub = TaskServiceGrpc.newBlockingStub(channel);
      ByteString payload = ByteString.copyFrom(new byte[20 * KB]);
      List<String> accepted = new ArrayList<>();
      SubmitAck refused = null;
      // 100 tasks of 20 KB per request, up to 4 GB in all: far past what 512 MiB can queue.
      for (int r = 0; r < 2_000 && refused == null; r++) {
        SubmitRequest.Builder request = SubmitRequest.newBuilder();
        for (int i = 0; i < 100; i++) {
          request.addTasks(
              TaskSpec.newBuilder()
                  .setId("flood-" + r + "-" + i)
                  .setType("echo")
                  .setPayload(Payload.newBuilder().setData(payload)));
        }
        SubmitResponse response =
            stub.withDeadlineAfter(60, TimeUnit.SECONDS).submit(request.build());
        for (SubmitAck ack : response.getAcksList()) {
          if (ack.getStatus() == SubmitAck.Status.ACCEPTED) {
            accepted.add(ack.getTaskId());
          } else if (refused == null) {
            refused = ack;
          }
        }
      }

      assertThat(refused).as("a refusal before 4 GB of payload").isNotNull();
      assertThat(refused.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
      assertThat(refused.getCode()).isEqualTo("RESOURCE_EXHAUSTED");
      assertThat(refused.getMessage())
          .contains("coordinator memory is low", "old generation (PS Old Gen)");
      assertThat(accepted).hasSizeGreaterThan(1_000);
      for (String id : accepted) {
        TaskInfo task =
            stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .getTask(GetTaskRequest.newBuilder().setTaskId(id).setMaxReplyBytes(1024).build())
                .getTask();
        assertThat(task.getState()).as(id).isEqualTo(TaskState.QUEUED);
      }
      assertThat(
              stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                  .getServerInfo(GetServerInfoRequest.getDefaultInstance())
                  .getServerVersion())
          .as("still serving")
          .isNotEmpty();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** A Session stream on the raw stub, optionally not reading at all until resumed. */
  private static final class RawSession
      implements ClientResponseObserver<ClientMessage, ServerMessage> {
    final Map<String, TaskResult> results = new ConcurrentHashMap<>();
    volatile @Nullable Throwable error;
    volatile boolean ended;
    private final boolean reading;
    private volatile @Nullable ClientCallStreamObserver<ClientMessage> requests;
    private final StreamObserver<ClientMessage> out;

    RawSession(ManagedChannel channel, boolean reading) {
      this.reading = reading;
      this.out =
          TaskServiceGrpc.newStub(channel)
              .withMaxInboundMessageSize(64 * 1024 * 1024)
              .session(this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ClientMessage> requestStream) {
      requests = requestStream;
      if (!reading) {
        requestStream.disableAutoRequestWithInitial(0);
      }
    }

    synchronized void send(ClientMessage m) {
      out.onNext(m);
    }

    void resume() {
      ClientCallStreamObserver<ClientMessage> r = requests;
      if (r != null) {
        r.request(Integer.MAX_VALUE);
      }
    }

    synchronized void close() {
      out.onCompleted();
    }

    @Override
    public void onNext(ServerMessage m) {
      if (m.hasCompletions()) {
        m.getCompletions().getResultsList().forEach(r -> results.put(r.getTaskId(), r));
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      ended = true;
    }

    @Override
    public void onCompleted() {
      ended = true;
    }
  }
}

package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.CoordinatorRuntime;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitRequest;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11's limits on an in-process coordinator (with the malformed-input guard bound). */
class LimitsRpcTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int MIB = 1024 * 1024;

  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;
  private final List<SessionClient> sessions = new ArrayList<>();
  private final List<FakeWorker> workers = new ArrayList<>();

  private void start(CoordinatorOptions.Builder options) throws IOException {
    CoordinatorOptions o =
        options.host("127.0.0.1").port(0).clusterName("limits-" + System.nanoTime()).build();
    runtime =
        CoordinatorRuntime.create(o, exec -> new InMemoryTaskStore(o.clock(), o.resultTtl(), exec));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    MalformedInputGuard guard = new MalformedInputGuard(o.clock());
    for (BindableService s : runtime.services()) {
      builder.addService(guard.guard(s.bindService()));
    }
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    sessions.forEach(SessionClient::close);
    workers.forEach(FakeWorker::disconnect);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    runtime.close();
  }

  private SessionClient session() {
    SessionClient s = new SessionClient(channel);
    sessions.add(s);
    return s;
  }

  private FakeWorker worker(boolean autoAnswer) {
    FakeWorker w = new FakeWorker(channel, "w" + workers.size(), autoAnswer, "echo");
    workers.add(w);
    await().atMost(WAIT).until(() -> runtime.scheduler().connectedWorkers() == workers.size());
    return w;
  }

  private static TaskSpec echo(String id, int bytes) {
    return TaskSpec.newBuilder()
        .setId(id)
        .setType("echo")
        .setPayload(Payload.newBuilder().setData(ByteString.copyFrom(new byte[bytes])))
        .build();
  }

  private static String[] ids(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toArray(String[]::new);
  }

  @Test
  void attach_moreIdsThanTheLimit_invalidArgumentNamingIt_otherSessionsServed() throws Exception {
    start(CoordinatorOptions.newBuilder().maxIdsPerRequest(1000));
    worker(true).credit(10);
    SessionClient offender = session();
    SessionClient bystander = session();

    offender.attach(ids("unknown-", 1001));

    await().atMost(WAIT).until(() -> offender.error != null);
    Status status = Status.fromThrowable(offender.error);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("1001", "limit of 1000", "maxIdsPerRequest");
    bystander.submit(echo("ok", 10));
    await().atMost(WAIT).until(() -> bystander.results.containsKey("ok"));
    assertThat(bystander.error).isNull();
  }

  @Test
  void attach_atTheLimit_everyUnknownIdAnsweredInChunks() throws Exception {
    start(CoordinatorOptions.newBuilder().maxIdsPerRequest(1000));
    SessionClient s = session();

    s.attach(ids("unknown-", 1000));

    await().atMost(WAIT).until(() -> s.results.size() == 1000);
    // Attached ids the store does not hold end LOST (the SDK would resubmit them).
    assertThat(s.results.values())
        .allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(Outcome.LOST));
    assertThat(s.error).isNull();
  }

  @Test
  void cancelAndWatch_moreIdsThanTheLimit_invalidArgument() throws Exception {
    start(CoordinatorOptions.newBuilder().maxIdsPerRequest(1000));
    TaskServiceGrpc.TaskServiceBlockingStub stub = TaskServiceGrpc.newBlockingStub(channel);

    assertThatThrownBy(
            () ->
                stub.cancel(
                    io.taskgrid.proto.v1.CancelRequest.newBuilder()
                        .addAllTaskIds(List.of(ids("x", 1001)))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("limit of 1000");
            });
    Iterator<?> watch =
        stub.watch(WatchRequest.newBuilder().addAllTaskIds(List.of(ids("x", 1001))).build());
    assertThatThrownBy(watch::hasNext)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void submit_pastTheSessionQuota_resourceExhaustedPerTask_otherSessionStillAccepted()
      throws Exception {
    start(CoordinatorOptions.newBuilder().maxQueuedTasksPerSession(5));
    SessionClient flooder = session();
    SessionClient other = session();

    flooder.submit(IntStream.range(0, 8).mapToObj(i -> echo("f" + i, 1)).toArray(TaskSpec[]::new));
    await().atMost(WAIT).until(() -> flooder.acks.size() == 8);
    other.submit(echo("o1", 1), echo("o2", 1));
    await().atMost(WAIT).until(() -> other.acks.size() == 2);

    assertThat(flooder.acks.subList(0, 5))
        .extracting(SubmitAck::getStatus)
        .containsOnly(SubmitAck.Status.ACCEPTED);
    assertThat(flooder.acks.subList(5, 8))
        .allSatisfy(
            a -> {
              assertThat(a.getCode()).isEqualTo("RESOURCE_EXHAUSTED");
              assertThat(a.getMessage()).contains("this session", "5");
            });
    assertThat(other.acks).extracting(SubmitAck::getStatus).containsOnly(SubmitAck.Status.ACCEPTED);
    assertThat(flooder.error).isNull();

    // Once its tasks end, the flooder's quota is free again.
    worker(true).credit(100);
    await().atMost(WAIT).until(() -> flooder.results.size() == 5);
    flooder.submit(echo("f-again", 1));
    await().atMost(WAIT).until(() -> flooder.results.containsKey("f-again"));
  }

  @Test
  void submit_pastTheTenantQuota_resourceExhaustedNamingTheTenant() throws Exception {
    start(CoordinatorOptions.newBuilder().maxQueuedTasksPerTenant(3));
    SessionClient a = session();

    a.submit(echo("a1", 1), echo("a2", 1), echo("a3", 1), echo("a4", 1));

    await().atMost(WAIT).until(() -> a.acks.size() == 4);
    assertThat(a.acks.get(3).getCode()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(a.acks.get(3).getMessage()).contains("tenant 'default'");
    var unary =
        TaskServiceGrpc.newBlockingStub(channel)
            .submit(SubmitRequest.newBuilder().addTasks(echo("u1", 1)).build());
    assertThat(unary.getAcks(0).getCode()).isEqualTo("RESOURCE_EXHAUSTED");
  }

  @Test
  void getTask_replyLargerThanTheBudget_inputThenOutputOmittedAndFlagged() throws Exception {
    start(CoordinatorOptions.newBuilder().maxMessageBytes(MIB).maxPayloadBytes(2 * MIB));
    worker(true).credit(10);
    SessionClient s = session();
    s.submit(echo("big", 900_000));
    await().atMost(WAIT).until(() -> s.results.containsKey("big"));
    TaskServiceGrpc.TaskServiceBlockingStub stub = TaskServiceGrpc.newBlockingStub(channel);

    TaskInfo fitted = stub.getTask(GetTaskRequest.newBuilder().setTaskId("big").build()).getTask();
    TaskInfo whole =
        stub.getTask(
                GetTaskRequest.newBuilder().setTaskId("big").setMaxReplyBytes(64 * MIB).build())
            .getTask();

    assertThat(fitted.getSerializedSize()).isLessThanOrEqualTo(MIB);
    assertThat(fitted.getInputOmitted()).isTrue();
    assertThat(fitted.getSpec().getPayload().getData().isEmpty()).isTrue();
    assertThat(fitted.getResult().getOutputOmitted()).isFalse();
    assertThat(fitted.getResult().getOutput().getData().size()).isEqualTo(900_000);
    assertThat(whole.getInputOmitted()).isFalse();
    assertThat(whole.getSpec().getPayload().getData().size()).isEqualTo(900_000);
  }

  @Test
  void workerOutputOverThePayloadLimit_onlyThatTaskFailsResultTooLarge() throws Exception {
    start(CoordinatorOptions.newBuilder().maxPayloadBytes(MIB));
    FakeWorker w = worker(false);
    w.credit(10);
    SessionClient s = session();
    s.submit(echo("huge-out", 10), echo("fine", 10));
    await().atMost(WAIT).until(() -> w.assigned.size() == 2);

    for (Assignment a : w.assigned) {
      int size = a.getSpec().getId().equals("huge-out") ? MIB + 1 : 10;
      w.send(
          WorkerMessage.newBuilder()
              .setResults(
                  WorkerResults.newBuilder()
                      .addResults(
                          TaskResult.newBuilder()
                              .setTaskId(a.getSpec().getId())
                              .setAttempt(a.getAttempt())
                              .setOutcome(Outcome.SUCCEEDED)
                              .setOutput(
                                  Payload.newBuilder()
                                      .setData(ByteString.copyFrom(new byte[size])))))
              .build());
    }

    await().atMost(WAIT).until(() -> s.results.size() == 2);
    TaskResult tooBig = s.results.get("huge-out");
    assertThat(tooBig.getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(tooBig.getError().getType()).isEqualTo("ResultTooLarge");
    assertThat(tooBig.getError().getMessage()).contains(String.valueOf(MIB + 1));
    assertThat(s.results.get("fine").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(w.error).isNull();
  }

  @Test
  void undecodableRequestBytes_invalidArgumentForThatCallOnly() throws Exception {
    start(CoordinatorOptions.newBuilder());
    worker(true).credit(10);
    SessionClient bystander = session();
    byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};

    StatusRuntimeException unary =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    rawMethod("Submit", MethodDescriptor.MethodType.UNARY),
                    CallOptions.DEFAULT,
                    junk));
    ClientCall<byte[], byte[]> session =
        channel.newCall(
            rawMethod("Session", MethodDescriptor.MethodType.BIDI_STREAMING), CallOptions.DEFAULT);
    RecordingListener listener = new RecordingListener();
    session.start(listener, new io.grpc.Metadata());
    session.request(1);
    session.sendMessage(junk);

    assertThat(unary.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(unary.getStatus().getDescription()).contains("malformed request");
    await().atMost(WAIT).until(() -> listener.status != null);
    assertThat(listener.status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    bystander.submit(echo("still-served", 1));
    await().atMost(WAIT).until(() -> bystander.results.containsKey("still-served"));
  }

  static MethodDescriptor<byte[], byte[]> rawMethod(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("taskgrid.v1.TaskService", name))
        .setRequestMarshaller(BytesMarshaller.INSTANCE)
        .setResponseMarshaller(BytesMarshaller.INSTANCE)
        .build();
  }

  /** Raw bytes on the wire, for junk input. */
  enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Records how a raw call ended. */
  static final class RecordingListener extends ClientCall.Listener<byte[]> {
    volatile Status status;

    @Override
    public void onClose(Status status, io.grpc.Metadata trailers) {
      this.status = status;
    }
  }
}

package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.proto.v1.AttachRequest;
import io.taskgrid.proto.v1.CancelRequest;
import io.taskgrid.proto.v1.ClientMessage;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Heartbeat;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.RetryPolicy;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.SubmitRequest;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * Random and mutated {@code taskgrid.v1} messages, and raw junk bytes, on both services of a real
 * coordinator (Netty on 127.0.0.1, its own Hazelcast member). After every try the coordinator must
 * still serve a well-behaved client and worker, whose streams must never end; every task the fuzzed
 * client got ACCEPTED must reach exactly one terminal result. Bounded: a few hundred tries, well
 * under a minute on a loaded 2-core machine. The counts are printed at the end.
 */
class WireFuzzTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Codes a refusal may carry; UNKNOWN or INTERNAL would be a bug (an unmapped exception). */
  private static final Set<Status.Code> CLEAR_CODES =
      EnumSet.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ALREADY_EXISTS,
          Status.Code.NOT_FOUND,
          Status.Code.CANCELLED,
          Status.Code.OUT_OF_RANGE);

  private static final AtomicLong MESSAGES = new AtomicLong();
  private static final AtomicLong TASKS_ACCEPTED = new AtomicLong();
  private static final AtomicLong HEALTH_CHECKS = new AtomicLong();
  private static long startedNanos;

  private static Coordinator coordinator;
  private static ManagedChannel channel;
  private static FakeWorker bystanderWorker;
  private static SessionClient bystander;

  @BeforeContainer
  static void start() throws Exception {
    startedNanos = System.nanoTime();
    coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .clusterName("fuzz-" + System.nanoTime())
                .maxPayloadBytes(64 * 1024)
                .maxBatchSize(100)
                .build());
    channel = NettyChannelBuilder.forTarget(coordinator.target()).usePlaintext().build();
    bystanderWorker = new FakeWorker(channel, "bystander-worker", true, "echo", "fail");
    bystanderWorker.credit(1000);
    bystander = new SessionClient(channel);
  }

  @AfterContainer
  static void stop() throws InterruptedException {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    System.out.printf(
        "WireFuzzTest: %d fuzzed messages, %d fuzzed tasks accepted, %d health checks in %d ms%n",
        MESSAGES.get(), TASKS_ACCEPTED.get(), HEALTH_CHECKS.get(), millis);
    bystander.close();
    bystanderWorker.disconnect();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    coordinator.close();
  }

  // ---- properties ----

  @Property(tries = 80, shrinking = ShrinkingMode.OFF)
  void junkBytes_onAnyMethod_refusedClearly_othersUnharmed(
      @ForAll("methods") RawMethod method, @ForAll("junk") byte[] junk) throws Exception {
    Status status = sendRaw(method, List.of(junk));
    assertClear(status);
    assertHealthy();
  }

  @Property(tries = 80, shrinking = ShrinkingMode.OFF)
  void mutatedClientMessages_onSession_refusedClearly_othersUnharmed(
      @ForAll("clientMessages") ClientMessage message,
      @ForAll("mutations") List<Mutation> mutations)
      throws Exception {
    byte[] bytes = message.toByteArray();
    for (Mutation m : mutations) {
      bytes = m.apply(bytes);
    }
    assertClear(sendRaw(RawMethod.SESSION, List.of(bytes)));
    assertHealthy();
  }

  @Property(tries = 40, shrinking = ShrinkingMode.OFF)
  void mutatedWorkerMessages_onConnect_refusedClearly_othersUnharmed(
      @ForAll("workerMessages") List<WorkerMessage> messages,
      @ForAll("mutations") List<Mutation> mutations)
      throws Exception {
    List<byte[]> frames = new ArrayList<>();
    for (WorkerMessage m : messages) {
      frames.add(m.toByteArray());
    }
    int victim = frames.size() - 1;
    byte[] last = frames.get(victim);
    for (Mutation m : mutations) {
      last = m.apply(last);
    }
    frames.set(victim, last);
    assertClear(sendRaw(RawMethod.CONNECT, frames));
    assertHealthy();
  }

  @Property(tries = 30, shrinking = ShrinkingMode.OFF)
  void randomSubmissions_everyAcceptedTaskEndsExactlyOnce(
      @ForAll("submitBatches") List<TaskSpec> specs) {
    SessionClient fuzzed = new SessionClient(channel);
    try {
      fuzzed.submit(specs.toArray(TaskSpec[]::new));
      MESSAGES.incrementAndGet();
      await().atMost(WAIT).until(() -> fuzzed.acks.size() == specs.size() || fuzzed.error != null);
      if (fuzzed.error != null) {
        assertClear(Status.fromThrowable(fuzzed.error));
        return;
      }
      List<String> accepted = new ArrayList<>();
      for (SubmitAck a : fuzzed.acks) {
        if (a.getStatus() == SubmitAck.Status.ACCEPTED) {
          accepted.add(a.getTaskId());
        } else if (a.getStatus() == SubmitAck.Status.REJECTED) {
          assertThat(a.getCode()).isNotIn("UNKNOWN", "INTERNAL", "");
          assertThat(a.getMessage()).isNotBlank();
        }
      }
      TASKS_ACCEPTED.addAndGet(accepted.size());
      await().atMost(WAIT).until(() -> fuzzed.results.keySet().containsAll(accepted));
      Map<String, Integer> results = new HashMap<>();
      for (var m : fuzzed.completionMessages) {
        for (TaskResult r : m.getCompletions().getResultsList()) {
          results.merge(r.getTaskId(), 1, Integer::sum);
        }
      }
      for (String id : accepted) {
        assertThat(results.get(id)).as("results of " + id).isEqualTo(1);
        assertThat(fuzzed.results.get(id).getOutcome()).isNotEqualTo(Outcome.OUTCOME_UNSPECIFIED);
      }
      assertThat(fuzzed.error).isNull();
    } finally {
      fuzzed.close();
    }
    assertHealthy();
  }

  // ---- generators ----

  enum RawMethod {
    SESSION("taskgrid.v1.TaskService", "Session", MethodDescriptor.MethodType.BIDI_STREAMING),
    SUBMIT("taskgrid.v1.TaskService", "Submit", MethodDescriptor.MethodType.UNARY),
    CANCEL("taskgrid.v1.TaskService", "Cancel", MethodDescriptor.MethodType.UNARY),
    GET_TASK("taskgrid.v1.TaskService", "GetTask", MethodDescriptor.MethodType.UNARY),
    GET_JOB("taskgrid.v1.TaskService", "GetJob", MethodDescriptor.MethodType.UNARY),
    WATCH("taskgrid.v1.TaskService", "Watch", MethodDescriptor.MethodType.SERVER_STREAMING),
    CONNECT("taskgrid.v1.WorkerService", "Connect", MethodDescriptor.MethodType.BIDI_STREAMING);

    final MethodDescriptor<byte[], byte[]> descriptor;

    RawMethod(String service, String name, MethodDescriptor.MethodType type) {
      this.descriptor =
          MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(type)
              .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
              .setRequestMarshaller(LimitsRpcTest.BytesMarshaller.INSTANCE)
              .setResponseMarshaller(LimitsRpcTest.BytesMarshaller.INSTANCE)
              .build();
    }
  }

  @Provide
  Arbitrary<RawMethod> methods() {
    return Arbitraries.of(RawMethod.class);
  }

  @Provide
  Arbitrary<byte[]> junk() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2048);
  }

  /** One change to a serialized message. */
  interface Mutation {
    byte[] apply(byte[] in);
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> flip =
        Combinators.combine(Arbitraries.integers().greaterOrEqual(0), Arbitraries.bytes())
            .as(
                (pos, b) ->
                    in -> {
                      byte[] out = in.clone();
                      if (out.length > 0) {
                        out[pos % out.length] = b;
                      }
                      return out;
                    });
    Arbitrary<Mutation> truncate =
        Arbitraries.integers()
            .greaterOrEqual(0)
            .map(cut -> in -> in.length == 0 ? in : java.util.Arrays.copyOf(in, cut % in.length));
    Arbitrary<Mutation> insert =
        Combinators.combine(Arbitraries.integers().greaterOrEqual(0), Arbitraries.bytes())
            .as(
                (pos, b) ->
                    in -> {
                      int p = in.length == 0 ? 0 : pos % in.length;
                      byte[] out = new byte[in.length + 1];
                      System.arraycopy(in, 0, out, 0, p);
                      out[p] = b;
                      System.arraycopy(in, p, out, p + 1, in.length - p);
                      return out;
                    });
    return Arbitraries.oneOf(flip, truncate, insert).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<TaskSpec>> submitBatches() {
    return specs().list().ofMinSize(1).ofMaxSize(30);
  }

  private static Arbitrary<TaskSpec> specs() {
    Arbitrary<String> ids =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                8, Arbitraries.strings().withChars("abc019._:-").ofMinLength(1).ofMaxLength(20)),
            net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMinLength(0).ofMaxLength(140)));
    Arbitrary<String> types = Arbitraries.of("echo", "fail", "nope", "");
    Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(70_000);
    // Retry settings stay where a task ends within the test's wait (a FAILED task with 100
    // attempts and a backoff of hours would rightly still be waiting); out-of-range values are
    // generated too, and must be refused with a clear ack.
    Arbitrary<Long> backoffs =
        Arbitraries.oneOf(Arbitraries.longs().between(-5, 30), Arbitraries.of(Long.MIN_VALUE));
    Arbitrary<RetryPolicy> retries =
        Combinators.combine(
                Arbitraries.oneOf(Arbitraries.integers().between(-2, 3), Arbitraries.of(101)),
                backoffs,
                backoffs,
                Arbitraries.of(0.0, 1.0, 2.0, 0.5, -1.0, Double.NaN, Double.POSITIVE_INFINITY),
                Arbitraries.of(0.0, 0.3, 1.0, 2.0, -0.1, Double.NaN))
            .as(
                (attempts, initial, max, mult, jitter) ->
                    RetryPolicy.newBuilder()
                        .setMaxAttempts(attempts)
                        .setInitialBackoffMs(initial)
                        .setMaxBackoffMs(max)
                        .setBackoffMultiplier(mult)
                        .setJitter(jitter)
                        .build());
    return Combinators.combine(
            ids,
            types,
            payloads,
            Arbitraries.integers(),
            // CPU (2) is left out: no CPU worker here, so such a task would rightly wait.
            Arbitraries.of(-1, 0, 1, 3),
            retries.injectNull(0.5),
            Arbitraries.strings().ofMaxLength(300).injectNull(0.7))
        .as(
            (id, type, payload, priority, pool, retry, label) -> {
              TaskSpec.Builder b =
                  TaskSpec.newBuilder()
                      .setId(id)
                      .setType(type)
                      .setPayload(Payload.newBuilder().setData(ByteString.copyFrom(payload)))
                      .setPriority(priority)
                      .setPoolValue(pool);
              if (retry != null) {
                b.setRetry(retry);
              }
              if (label != null) {
                b.putLabels(label, label);
              }
              return b.build();
            });
  }

  @Provide
  Arbitrary<ClientMessage> clientMessages() {
    Arbitrary<List<String>> idLists = Arbitraries.strings().ofMaxLength(30).list().ofMaxSize(50);
    return Arbitraries.oneOf(
        specs()
            .list()
            .ofMaxSize(10)
            .map(
                s ->
                    ClientMessage.newBuilder()
                        .setSubmit(SubmitRequest.newBuilder().addAllTasks(s))
                        .build()),
        idLists.map(
            ids ->
                ClientMessage.newBuilder()
                    .setCancel(CancelRequest.newBuilder().addAllTaskIds(ids))
                    .build()),
        idLists.map(
            ids ->
                ClientMessage.newBuilder()
                    .setAttach(AttachRequest.newBuilder().addAllTaskIds(ids))
                    .build()),
        Arbitraries.just(ClientMessage.getDefaultInstance()));
  }

  @Provide
  Arbitrary<List<WorkerMessage>> workerMessages() {
    Arbitrary<WorkerMessage> hello =
        Combinators.combine(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.integers().between(-1, 3),
                Arbitraries.integers())
            .as(
                (id, pool, capacity) ->
                    WorkerMessage.newBuilder()
                        .setHello(
                            WorkerHello.newBuilder()
                                .setWorkerId("fuzz-" + id)
                                .addPools(
                                    PoolSpec.newBuilder()
                                        .setPoolValue(pool)
                                        .setCapacity(capacity)
                                        // Not the bystander's handler: a fuzzed worker that
                                        // announces "echo" on the CPU pool would (legitimately)
                                        // move where "echo" tasks run.
                                        .addHandlers("fuzz-echo")))
                        .build());
    Arbitrary<WorkerMessage> other =
        Arbitraries.oneOf(
            Arbitraries.integers()
                .map(
                    n ->
                        WorkerMessage.newBuilder()
                            .setCredits(
                                Credits.newBuilder()
                                    .addPools(
                                        PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n)))
                            .build()),
            Arbitraries.longs()
                .map(
                    t ->
                        WorkerMessage.newBuilder()
                            .setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(t))
                            .build()),
            Arbitraries.strings()
                .ofMaxLength(30)
                .map(
                    id ->
                        WorkerMessage.newBuilder()
                            .setResults(
                                WorkerResults.newBuilder()
                                    .addResults(
                                        TaskResult.newBuilder()
                                            .setTaskId(id)
                                            .setAttempt(1)
                                            .setOutcome(Outcome.SUCCEEDED)))
                            .build()));
    return Combinators.combine(hello, other.list().ofMaxSize(3))
        .as(
            (h, rest) -> {
              List<WorkerMessage> all = new ArrayList<>();
              all.add(h);
              all.addAll(rest);
              return all;
            });
  }

  // ---- helpers ----

  /**
   * Sends frames on a raw call, half-closes, and returns how the call ended, or OK if it is still
   * open after a short while (a message that happened to decode into a valid request may keep a
   * stream open; it is cancelled then).
   */
  private static Status sendRaw(RawMethod method, List<byte[]> frames) throws InterruptedException {
    ClientCall<byte[], byte[]> call = channel.newCall(method.descriptor, CallOptions.DEFAULT);
    CountDownLatch closed = new CountDownLatch(1);
    Status[] status = new Status[1];
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status s, Metadata trailers) {
            status[0] = s;
            closed.countDown();
          }
        },
        new Metadata());
    call.request(Integer.MAX_VALUE);
    for (byte[] frame : frames) {
      call.sendMessage(frame);
      MESSAGES.incrementAndGet();
    }
    call.halfClose();
    if (!closed.await(100, TimeUnit.MILLISECONDS)) {
      call.cancel("fuzz: done with this call", null);
      return Status.OK;
    }
    return status[0];
  }

  private static void assertClear(@Nullable Status status) {
    assertThat(status).isNotNull();
    assertThat(status.getCode()).as(String.valueOf(status)).isIn(CLEAR_CODES);
  }

  /** A normal client's task still succeeds, and neither bystander stream has ended. */
  private static void assertHealthy() {
    String id = "health-" + HEALTH_CHECKS.incrementAndGet();
    bystander.submit(
        TaskSpec.newBuilder()
            .setId(id)
            .setType("echo")
            .setPool(Pool.IO)
            .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("ok")))
            .build());
    await().atMost(WAIT).until(() -> bystander.results.containsKey(id) || bystander.error != null);
    assertThat(bystander.error).isNull();
    assertThat(bystander.results.get(id).getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(bystanderWorker.error).isNull();
    assertThat(bystanderWorker.completed).isFalse();
  }
}

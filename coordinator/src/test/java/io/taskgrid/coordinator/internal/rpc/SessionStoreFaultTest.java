package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.CoordinatorRuntime;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.store.Retention;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session whose store misbehaves the way Hazelcast does while a coordinator dies: reads that fail
 * during partition migration, and answers that arrive after another coordinator ended the task. In
 * each case the client must still get every result (the failover path of the SDK depends on it).
 */
class SessionStoreFaultTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ECHO = "echo";

  /** The store keeps this many finished tasks (the smallest budget allowed). */
  private static final long BUDGET = 1_000;

  private ScriptedStore store;
  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;
  private final List<SessionClient> sessions = new ArrayList<>();
  private FakeWorker worker;

  @BeforeEach
  void start() throws IOException {
    CoordinatorOptions options =
        CoordinatorOptions.newBuilder()
            .host("127.0.0.1")
            .port(0)
            .hazelcastPort(0)
            .clusterName("store-fault-" + System.nanoTime())
            .build();
    runtime =
        CoordinatorRuntime.create(
            options,
            exec -> {
              store =
                  new ScriptedStore(
                      new InMemoryTaskStore(
                          options.clock(), new Retention(options.resultTtl(), BUDGET, 0), exec));
              return store;
            });
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    for (BindableService s : runtime.services()) {
      builder.addService(s);
    }
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    worker = new FakeWorker(channel, "w", true, ECHO);
    await().atMost(WAIT).until(() -> runtime.scheduler().connectedWorkers() == 1);
  }

  @AfterEach
  void stop() throws InterruptedException {
    sessions.forEach(SessionClient::close);
    worker.disconnect();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    runtime.close();
  }

  @Test
  void attach_storeReadFailsTwice_readAgainUntilTheResultIsPushed() {
    SessionClient first = session();
    first.submit(echo("a"));
    worker.credit(1);
    await().atMost(WAIT).until(() -> first.results.containsKey("a"));

    store.failNextReads(2);
    SessionClient second = session();
    second.attach("a");

    await().atMost(WAIT).until(() -> second.results.containsKey("a"));
    assertThat(store.failingReadsLeft()).isZero();
    assertThat(second.results.get("a").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void attach_idTheStoreDoesNotKnow_endsLostNotFoundInsteadOfWaitingForever() {
    SessionClient s = session();
    s.attach("never-submitted");

    await().atMost(WAIT).until(() -> s.results.containsKey("never-submitted"));
    TaskResult r = s.results.get("never-submitted");
    assertThat(r.getOutcome()).isEqualTo(Outcome.LOST);
    assertThat(r.getError().getType()).isEqualTo("NOT_FOUND");
    assertThat(r.getError().getMessage()).contains("never-submitted", "not in the cluster's store");
  }

  @Test
  void attach_taskWhoseResultTheBudgetEvicted_endsLostExpiredInsteadOfWaiting() {
    SessionClient first = session();
    int tasks = (int) BUDGET + 10;
    for (int i = 0; i < tasks; i++) {
      first.submit(echo("e" + i));
    }
    worker.credit(tasks);
    await().atMost(WAIT).until(() -> first.results.size() == tasks);

    SessionClient late = session();
    late.attach("e0");
    late.attach("e" + (tasks - 1));

    await().atMost(WAIT).until(() -> late.results.size() == 2);
    TaskResult evicted = late.results.get("e0");
    // LOST, not REJECTED: it was accepted once; the SDK resubmits the spec it holds.
    assertThat(evicted.getOutcome()).isEqualTo(Outcome.LOST);
    assertThat(evicted.getError().getType()).isEqualTo("NOT_FOUND");
    assertThat(evicted.getError().getMessage()).startsWith("Expired: task 'e0'");
    assertThat(late.results.get("e" + (tasks - 1)).getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(runtime.store().retained().records()).isEqualTo(BUDGET);
  }

  @Test
  void resubmit_taskEndsWhileTheDuplicateIsBeingStored_resultStillPushed() {
    SessionClient first = session();
    first.submit(echo("a"));
    await().atMost(WAIT).until(() -> first.acks.size() == 1);

    // The resubmit reads the record while it is queued, but its answer comes back only after the
    // task has ended and its completion has been published to the subscribers of that moment.
    CompletableFuture<Void> gate = new CompletableFuture<>();
    store.holdCreates(gate);
    SessionClient second = session();
    second.submit(echo("a"));
    worker.credit(1);
    await().atMost(WAIT).until(() -> first.results.containsKey("a"));
    gate.complete(null);

    await().atMost(WAIT).until(() -> second.results.containsKey("a"));
    assertThat(second.acks)
        .extracting(SubmitAck::getStatus)
        .containsExactly(SubmitAck.Status.DUPLICATE);
    assertThat(second.results.get("a").getOutput().getData().toStringUtf8()).isEqualTo("x");
  }

  @Test
  void cancel_sentBeforeTheAckWhileTheBatchIsStored_heldThenRemovedFromQueue_neverRuns() {
    // The record is written but the batch is not registered yet (its store answer is held back):
    // the race of a cancel sent right after submit. It used to answer ALREADY_FINISHED and the
    // task then ran.
    CompletableFuture<Void> gate = new CompletableFuture<>();
    store.holdCreates(gate);
    SessionClient s = session();
    s.submit(echo("a"));
    s.cancel("a");
    await().atMost(WAIT).until(() -> cancelAnsweredOrHeld(s));
    gate.complete(null);
    worker.credit(1);

    await().atMost(WAIT).until(() -> s.results.containsKey("a") && !s.cancels.isEmpty());
    assertThat(s.cancels)
        .extracting(CancelOutcome::getResult)
        .containsExactly(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    assertThat(s.results.get("a").getOutcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(worker.assigned).isEmpty();
  }

  @Test
  void cancel_fromAnotherSessionBeforeTheTaskIsStored_heldThenApplied() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    store.holdCreates(gate);
    SessionClient submitter = session();
    SessionClient canceller = session();
    submitter.submit(echo("b"));
    canceller.cancel("b");
    await().atMost(WAIT).until(() -> cancelAnsweredOrHeld(canceller));
    gate.complete(null);
    worker.credit(1);

    await().atMost(WAIT).until(() -> !canceller.cancels.isEmpty());
    assertThat(canceller.cancels.get(0).getResult())
        .isEqualTo(CancelOutcome.Result.REMOVED_FROM_QUEUE);
    await().atMost(WAIT).until(() -> submitter.results.containsKey("b"));
    assertThat(submitter.results.get("b").getOutcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(worker.assigned).isEmpty();
  }

  @Test
  void cancel_ofAFinishedTask_alreadyFinishedAtOnce() {
    SessionClient s = session();
    s.submit(echo("c"));
    worker.credit(1);
    await().atMost(WAIT).until(() -> s.results.containsKey("c"));

    s.cancel("c");

    await().atMost(WAIT).until(() -> !s.cancels.isEmpty());
    assertThat(s.cancels.get(0).getResult()).isEqualTo(CancelOutcome.Result.ALREADY_FINISHED);
    assertThat(runtime.scheduler().pendingCancelCount()).isZero();
  }

  private boolean cancelAnsweredOrHeld(SessionClient s) {
    return !s.cancels.isEmpty() || runtime.scheduler().pendingCancelCount() == 1;
  }

  private SessionClient session() {
    SessionClient s = new SessionClient(channel);
    sessions.add(s);
    return s;
  }

  private static TaskSpec echo(String id) {
    return TaskSpec.newBuilder()
        .setId(id)
        .setType(ECHO)
        .setPayload(
            Payload.newBuilder().setData(ByteString.copyFromUtf8("x")).setContentType("text/plain"))
        .build();
  }
}

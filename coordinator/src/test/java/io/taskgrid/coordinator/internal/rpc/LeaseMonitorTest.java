package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.CoordinatorRuntime;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Heartbeat;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Worker leases on the injected clock: a silent worker is declared dead, late reports fenced. */
class LeaseMonitorTest {
  static final Duration LEASE = Duration.ofSeconds(3);
  static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeClock clock = new FakeClock();
  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    CoordinatorOptions options =
        CoordinatorOptions.newBuilder().clock(clock).leaseTimeout(LEASE).build();
    runtime =
        CoordinatorRuntime.create(
            options, exec -> new InMemoryTaskStore(clock, options.resultTtl(), exec));
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
  void check_coordinatorItselfPausedLongerThanLease_workersKeepTheirLeasesUntilReallySilent() {
    // GIVEN a task leased to worker A, and a lease check
    FakeWorker a = new FakeWorker(channel, "A", false, "echo");
    a.credit(1);
    SessionClient client = new SessionClient(channel);
    client.submit(spec("t1"));
    await().atMost(WAIT).until(() -> a.assigned.size() == 1);
    runtime.leases().check();

    // WHEN the coordinator's clock jumps past the lease between two checks (it was paused)
    clock.advance(LEASE.multipliedBy(3));
    runtime.leases().check();

    // THEN A is not declared dead: its lease was renewed
    assertThat(runtime.scheduler().connectedWorkers()).isEqualTo(1);
    assertThat(runtime.metricsRegistry().getSampleValue("taskgrid_workers_declared_dead_total"))
        .isEqualTo(0.0);
    assertThat(a.error).isNull();

    // AND a worker that then stays silent for a whole lease (checked as usual) still expires
    for (int i = 0; i < 4; i++) {
      clock.advance(LEASE.dividedBy(4));
      runtime.leases().check();
    }
    clock.advance(Duration.ofMillis(1));
    runtime.leases().check();
    await().atMost(WAIT).until(() -> a.error != null);
  }

  @Test
  void check_workerSilentLongerThanLease_declaredDeadTaskReassignedWithNextAttempt() {
    // GIVEN a task leased to worker A
    FakeWorker a = new FakeWorker(channel, "A", false, "echo");
    a.credit(1);
    SessionClient client = new SessionClient(channel);
    client.submit(spec("t1"));
    await().atMost(WAIT).until(() -> a.assigned.size() == 1);
    Assignment first = a.assigned.get(0);

    // WHEN A says nothing for longer than the lease, while B has just connected
    // (in steps, checked as the coordinator's timer does: one jump past the lease between two
    // checks would be the coordinator's own pause, which expires nobody)
    for (int i = 0; i < 4; i++) {
      clock.advance(LEASE.dividedBy(4));
      runtime.leases().check();
    }
    clock.advance(Duration.ofMillis(1));
    FakeWorker b = new FakeWorker(channel, "B", false, "echo");
    b.credit(1);
    runtime.leases().check();

    // THEN A's stream is failed with "lease expired" and B runs the task as attempt 2
    await().atMost(WAIT).until(() -> a.error != null);
    assertThat(Status.fromThrowable(a.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(Status.fromThrowable(a.error).getDescription()).contains("lease expired");
    await().atMost(WAIT).until(() -> b.assigned.size() == 1);
    assertThat(first.getAttempt()).isEqualTo(1);
    assertThat(b.assigned.get(0).getAttempt()).isEqualTo(2);
    assertThat(runtime.metricsRegistry().getSampleValue("taskgrid_workers_declared_dead_total"))
        .isEqualTo(1.0);

    // AND A's late report of attempt 1 (on a new stream) is fenced out; B's result wins
    FakeWorker aAgain = new FakeWorker(channel, "A", false, "echo");
    aAgain.send(result(first, "A", "late"));
    b.answer(b.assigned.get(0), Outcome.SUCCEEDED);
    await().atMost(WAIT).until(() -> client.results.containsKey("t1"));
    TaskResult r = client.results.get("t1");
    assertThat(r.getWorkerId()).isEqualTo("B");
    assertThat(r.getAttempt()).isEqualTo(2);
    assertThat(r.getOutput().getData().toStringUtf8()).isEqualTo("hi");
  }

  @Test
  void check_heartbeatsWithinTheLease_workerKeepsItsTask() {
    FakeWorker a = new FakeWorker(channel, "A", false, "echo");
    a.credit(1);
    SessionClient client = new SessionClient(channel);
    client.submit(spec("t2"));
    await().atMost(WAIT).until(() -> a.assigned.size() == 1);

    for (int i = 0; i < 5; i++) {
      clock.advance(LEASE.minusMillis(500));
      a.send(
          WorkerMessage.newBuilder()
              .setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(clock.millis()))
              .build());
      // The heartbeat is handled inline (direct executors), before the check.
      runtime.leases().check();
    }

    a.answer(a.assigned.get(0), Outcome.SUCCEEDED);
    await().atMost(WAIT).until(() -> client.results.containsKey("t2"));
    assertThat(a.error).isNull();
    assertThat(client.results.get("t2").getAttempt()).isEqualTo(1);
  }

  private static TaskSpec spec(String id) {
    return TaskSpec.newBuilder()
        .setId(id)
        .setType("echo")
        .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("hi")))
        .build();
  }

  private static WorkerMessage result(Assignment a, String worker, String output) {
    return WorkerMessage.newBuilder()
        .setResults(
            io.taskgrid.proto.v1.WorkerResults.newBuilder()
                .addResults(
                    TaskResult.newBuilder()
                        .setTaskId(a.getSpec().getId())
                        .setAttempt(a.getAttempt())
                        .setWorkerId(worker)
                        .setOutcome(Outcome.SUCCEEDED)
                        .setOutput(Payload.newBuilder().setData(ByteString.copyFromUtf8(output)))))
        .build();
  }
}

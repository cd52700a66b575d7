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
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 over the real protocol (a coordinator runtime behind gRPC, workers and a client on
 * streams): while the only worker offering a plugin type restarts and another worker stays
 * connected, a task of that type is accepted and runs once the plugin worker is back; a type no
 * worker ever offered is rejected, saying which types are known.
 */
class TypeMemoryRpcTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeClock clock = new FakeClock();
  private CoordinatorRuntime runtime;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    CoordinatorOptions options = CoordinatorOptions.newBuilder().clock(clock).build();
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
  void pluginWorkerRestarts_submitAccepted_runsWhenItIsBack_neverSeenTypeRejected() {
    // GIVEN a plain worker and a plugin worker offering "wordcount"
    FakeWorker plain = new FakeWorker(channel, "plain", false, "echo");
    plain.credit(10);
    FakeWorker plugin = new FakeWorker(channel, "plugin", false, "echo", "wordcount");
    await().atMost(WAIT).until(() -> runtime.scheduler().connectedWorkers() == 2);

    // WHEN the plugin worker leaves and a wordcount task is submitted
    plugin.disconnect();
    await().atMost(WAIT).until(() -> runtime.scheduler().connectedWorkers() == 1);
    SessionClient client = new SessionClient(channel);
    client.submit(spec("wc", "wordcount"), spec("nope", "never.seen"));

    // THEN the wordcount task is accepted and waits; the never-seen type is rejected
    await().atMost(WAIT).until(() -> client.acks.size() == 2);
    SubmitAck wc = ack(client, "wc");
    SubmitAck nope = ack(client, "nope");
    assertThat(wc.getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);
    assertThat(nope.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(nope.getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(nope.getMessage()).isEqualTo("unknown task type 'never.seen' (known: echo)");
    assertThat(plain.assigned).isEmpty();
    assertThat(
            runtime
                .metricsRegistry()
                .getSampleValue(
                    "taskgrid_tasks_queued_without_worker",
                    new String[] {"pool", "type"},
                    new String[] {"io", "wordcount"}))
        .isEqualTo(1.0);

    // AND once the plugin worker is back, it runs the task to its end
    FakeWorker back = new FakeWorker(channel, "plugin", false, "echo", "wordcount");
    back.credit(1);
    await().atMost(WAIT).until(() -> back.assigned.size() == 1);
    back.answer(back.assigned.get(0), Outcome.SUCCEEDED);
    await().atMost(WAIT).until(() -> client.results.containsKey("wc"));
    assertThat(client.results.get("wc").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(plain.assigned).isEmpty();
  }

  private static SubmitAck ack(SessionClient client, String id) {
    return client.acks.stream().filter(a -> a.getTaskId().equals(id)).findFirst().orElseThrow();
  }

  private static TaskSpec spec(String id, String type) {
    return TaskSpec.newBuilder()
        .setId(id)
        .setType(type)
        .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("hi")))
        .build();
  }
}

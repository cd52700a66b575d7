package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Task types the cluster has seen are remembered (issue 14): while a plugin worker restarts and
 * another worker without the plugin stays connected, tasks of the plugin's type are accepted and
 * wait queued; a type never seen, or seen longer ago than the memory, is still rejected with a
 * message that says why. Direct executors and a fake clock: every step has taken effect on return.
 */
class TypeMemoryTest {
  private final FakeClock clock = new FakeClock();
  private final InMemoryTaskStore store =
      new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  private final Scheduler scheduler =
      new Scheduler(
          clock,
          store,
          new CompletionHub(),
          new JobStats(),
          Runnable::run,
          SchedulerSettings.defaults());
  private final TaskIntake intake =
      new TaskIntake(clock, store, scheduler, IntakeSettings.of(1024, 100, 1000));

  @Test
  void pluginWorkerRestarts_otherWorkerStays_taskAcceptedQueuedAndRunsWhenItReturns() {
    // GIVEN a plugin worker offering "wordcount" and a plain worker offering "echo"
    FakeLink plain = new FakeLink();
    WorkerHandle plainWorker = worker("plain", plain, "echo");
    WorkerHandle plugin = worker("plugin", new FakeLink(), "echo", "wordcount");

    // WHEN the plugin worker leaves and a wordcount task is submitted a minute later
    scheduler.workerDisconnected(plugin);
    clock.advance(Duration.ofMinutes(1));
    SubmitAck ack = submit("wc-1", "wordcount");

    // THEN it is accepted and waits queued (the plain worker's credit does not take it)
    assertThat(ack.getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);
    credit(plainWorker, 10);
    assertThat(plain.assignedIds()).isEmpty();
    assertThat(queued()).isEqualTo(1);

    // ... and runs once a worker offering the type is back
    FakeLink back = new FakeLink();
    credit(worker("plugin-restarted", back, "wordcount"), 1);
    assertThat(back.assignedIds()).containsExactly("wc-1");
    assertThat(queued()).isZero();
  }

  @Test
  void neverSeenType_workersConnected_rejectedWithTheKnownTypes() {
    worker("w", new FakeLink(), "echo", "noop");

    SubmitAck ack = submit("t", "wordcount");

    assertThat(ack.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(ack.getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(ack.getMessage()).isEqualTo("unknown task type 'wordcount' (known: echo, noop)");
  }

  @Test
  void typeSeenLongerAgoThanTheMemory_rejectedSayingWhen() {
    scheduler.rememberTypesFor(Duration.ofMinutes(10));
    worker("plain", new FakeLink(), "echo");
    scheduler.workerDisconnected(worker("plugin", new FakeLink(), "wordcount"));

    clock.advance(Duration.ofMinutes(10));
    assertThat(submit("in-time", "wordcount").getStatus()).isEqualTo(SubmitAck.Status.ACCEPTED);
    clock.advance(Duration.ofSeconds(1));
    SubmitAck late = submit("late", "wordcount");

    assertThat(late.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(late.getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(late.getMessage())
        .isEqualTo(
            "task type 'wordcount' was last offered by a worker 601 s ago, longer than the"
                + " coordinator remembers types (10m, --remember-types-for-s); offered now: echo");
  }

  @Test
  void memoryZero_typeRejectedAsSoonAsItsLastWorkerLeft() {
    scheduler.rememberTypesFor(Duration.ZERO);
    worker("plain", new FakeLink(), "echo");
    scheduler.workerDisconnected(worker("plugin", new FakeLink(), "wordcount"));
    clock.advance(Duration.ofMillis(1));

    assertThat(submit("t", "wordcount").getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
  }

  @Test
  void explicitPool_typeRememberedInAnotherPool_rejected() {
    worker("plain", new FakeLink(), "echo");
    scheduler.workerDisconnected(worker("plugin", new FakeLink(), "wordcount"));

    SubmitAck ack =
        submit(TaskSpec.newBuilder().setId("t").setType("wordcount").setPool(Pool.CPU).build());

    assertThat(ack.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(ack.getMessage())
        .isEqualTo(
            "task type 'wordcount' is not offered in pool CPU by any connected worker, nor was it"
                + " within the last 1h");
  }

  private int queued() {
    return scheduler.queued(Pool.IO).toCompletableFuture().join();
  }

  private SubmitAck submit(String id, String type) {
    return submit(TaskSpec.newBuilder().setId(id).setType(type).build());
  }

  private SubmitAck submit(TaskSpec spec) {
    Admission a = intake.submit(List.of(spec)).toCompletableFuture().join();
    a.schedule();
    return a.acks().get(0);
  }

  private WorkerHandle worker(String id, FakeLink link, String... handlers) {
    WorkerHandle h =
        new WorkerHandle(
            WorkerHello.newBuilder()
                .setWorkerId(id)
                .addPools(
                    PoolSpec.newBuilder()
                        .setPool(Pool.IO)
                        .setCapacity(100)
                        .addAllHandlers(List.of(handlers)))
                .build(),
            link,
            clock.millis());
    assertThat(scheduler.workerConnected(h)).isTrue();
    return h;
  }

  private void credit(WorkerHandle w, int n) {
    scheduler.credits(
        w,
        Credits.newBuilder()
            .addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n))
            .build());
  }
}

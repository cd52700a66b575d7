package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.coordinator.internal.testing.FakeTimer;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A batch write that fails half-way leaves some records stored: the intake writes the batch again
 * until the store answers, and accepts (and schedules) the records the failed try stored, so that
 * none is left live with nobody scheduling it. Before, the whole batch was rejected, and a client
 * that resubmitted such a task was answered DUPLICATE and waited forever.
 */
class TaskIntakeRetryTest {
  private final FakeClock clock = new FakeClock();
  private final FakeTimer timer = new FakeTimer(clock);
  private final InMemoryTaskStore memory =
      new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  private final PartialWriteStore store = new PartialWriteStore(memory);
  private final Scheduler scheduler =
      new Scheduler(
          clock,
          store,
          new CompletionHub(),
          new JobStats(),
          Runnable::run,
          SchedulerSettings.defaults().withOwner("local", CompletionBus.LOCAL));
  private final TaskIntake intake =
      new TaskIntake(
          clock, store, scheduler, IntakeSettings.of(1024, 100, 1000).withCreateRetries(timer));

  private static TaskSpec sleep(String id) {
    return TaskSpec.newBuilder().setId(id).setType("sleep").build();
  }

  private CompletableFuture<Admission> submit(TaskSpec... specs) {
    return intake.submit(List.of(specs)).toCompletableFuture();
  }

  private FakeLink worker() {
    FakeLink link = new FakeLink();
    WorkerHandle w =
        new WorkerHandle(
            WorkerHello.newBuilder()
                .setWorkerId("w1")
                .addPools(
                    PoolSpec.newBuilder().setPool(Pool.IO).setCapacity(100).addHandlers("sleep"))
                .build(),
            link,
            clock.millis());
    assertThat(scheduler.workerConnected(w)).isTrue();
    scheduler.credits(
        w,
        io.taskgrid.proto.v1.Credits.newBuilder()
            .addPools(io.taskgrid.proto.v1.PoolCredit.newBuilder().setPool(Pool.IO).setCredits(100))
            .build());
    return link;
  }

  @Test
  void halfWrittenBatch_isWrittenAgain_andEveryTaskIsAcceptedAndRuns() {
    FakeLink link = worker();
    store.failNextCreates(1, 2);

    CompletableFuture<Admission> admitted = submit(sleep("a"), sleep("b"), sleep("c"), sleep("d"));
    assertThat(admitted).as("waits for the repeated write").isNotDone();
    timer.advance(Duration.ofMillis(100));

    Admission a = admitted.join();
    assertThat(a.acks())
        .extracting(SubmitAck::getStatus)
        .containsOnly(SubmitAck.Status.ACCEPTED)
        .hasSize(4);
    a.schedule();
    assertThat(link.assignedIds()).containsExactlyInAnyOrder("a", "b", "c", "d");
  }

  @Test
  void storeRefusingForAWhile_keepsTrying_thenAccepts() {
    FakeLink link = worker();
    store.failNextCreates(5, 0);

    CompletableFuture<Admission> admitted = submit(sleep("a"), sleep("b"));
    for (int i = 0; i < 5; i++) {
      assertThat(admitted).isNotDone();
      timer.advance(Duration.ofSeconds(5));
    }

    Admission a = admitted.join();
    assertThat(a.acks()).extracting(SubmitAck::getStatus).containsOnly(SubmitAck.Status.ACCEPTED);
    a.schedule();
    assertThat(link.assignedIds()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void recordStoredBefore_staysADuplicate_andRunsOnce() {
    FakeLink link = worker();
    Admission first = submit(sleep("a")).join();
    first.schedule();
    store.failNextCreates(1, 2);

    CompletableFuture<Admission> admitted = submit(sleep("a"), sleep("b"));
    timer.advance(Duration.ofMillis(100));

    Admission second = admitted.join();
    assertThat(second.acks())
        .extracting(SubmitAck::getStatus)
        .containsExactly(SubmitAck.Status.DUPLICATE, SubmitAck.Status.ACCEPTED);
    second.schedule();
    assertThat(link.assignedIds()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void storeNeverAnswering_rejectsTheBatchAsUnavailable_afterTheLastTry() {
    store.failNextCreates(TaskIntake.CREATE_RETRIES, 0);

    CompletableFuture<Admission> admitted = submit(sleep("a"));
    for (int i = 0; i < TaskIntake.CREATE_RETRIES && !admitted.isDone(); i++) {
      timer.advance(Duration.ofMillis(TaskIntake.CREATE_RETRY_MAX_DELAY_MS));
    }

    SubmitAck ack = admitted.join().acks().get(0);
    assertThat(ack.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
    assertThat(ack.getCode()).isEqualTo("UNAVAILABLE");
    assertThat(memory.get("a").toCompletableFuture().join()).isEmpty();
    assertThat(timer.pending()).isZero();
  }

  @Test
  void acceptedAfterARepeat_isStoredQueued() {
    store.failNextCreates(1, 1);
    CompletableFuture<Admission> admitted = submit(sleep("a"), sleep("b"));
    timer.advance(Duration.ofMillis(100));
    admitted.join();

    assertThat(memory.get("a").toCompletableFuture().join())
        .hasValueSatisfying(i -> assertThat(i.getState()).isEqualTo(TaskState.QUEUED));
    assertThat(memory.get("b").toCompletableFuture().join())
        .hasValueSatisfying(i -> assertThat(i.getState()).isEqualTo(TaskState.QUEUED));
  }
}

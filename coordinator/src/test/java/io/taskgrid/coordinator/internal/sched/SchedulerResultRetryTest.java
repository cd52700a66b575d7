package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.coordinator.internal.testing.FakeTimer;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A result the store does not take is written again until it does, and its watchers hear of it only
 * then: a watcher told of an unstored outcome could later find another one stored.
 */
class SchedulerResultRetryTest {
  private final FakeClock clock = new FakeClock();
  private final FakeTimer timer = new FakeTimer(clock);
  private final InMemoryTaskStore memory =
      new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  private final PartialWriteStore store = new PartialWriteStore(memory);
  private final CompletionHub hub = new CompletionHub();
  private final Scheduler scheduler =
      new Scheduler(
          clock,
          store,
          hub,
          new JobStats(),
          Runnable::run,
          SchedulerSettings.defaults()
              .withOwner("local", CompletionBus.LOCAL)
              .withPermits(new InMemoryTypePermits(), timer));
  private final TaskIntake intake =
      new TaskIntake(
          clock, store, scheduler, IntakeSettings.of(1024, 100, 1000).withCreateRetries(timer));
  private final Map<String, TaskResult> told = new ConcurrentHashMap<>();
  private final FakeLink link = new FakeLink();
  private WorkerHandle worker;

  private Assignment runOne(String id) {
    worker =
        new WorkerHandle(
            WorkerHello.newBuilder()
                .setWorkerId("w1")
                .addPools(PoolSpec.newBuilder().setPool(Pool.IO).setCapacity(10).addHandlers("t"))
                .build(),
            link,
            clock.millis());
    assertThat(scheduler.workerConnected(worker)).isTrue();
    scheduler.credits(
        worker,
        Credits.newBuilder()
            .addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(10))
            .build());
    Admission a =
        intake
            .submit(List.of(TaskSpec.newBuilder().setId(id).setType("t").build()))
            .toCompletableFuture()
            .join();
    a.watchIds().forEach(w -> hub.watchTask(w, rs -> rs.forEach(r -> told.put(r.getTaskId(), r))));
    a.schedule();
    return link.assigned().get(0);
  }

  private void succeed(Assignment a) {
    scheduler.results(
        worker,
        List.of(
            TaskResult.newBuilder()
                .setTaskId(a.getSpec().getId())
                .setAttempt(a.getAttempt())
                .setOutcome(Outcome.SUCCEEDED)
                .build()));
  }

  @Test
  void refusedResultWrite_isTriedAgain_andTheWatcherHearsOnlyOnceStored() {
    Assignment a = runOne("a");
    store.failNextCompletes(3);

    succeed(a);
    assertThat(told).isEmpty();
    assertThat(memory.get("a").toCompletableFuture().join().orElseThrow().getState())
        .isNotEqualTo(TaskState.DONE);

    timer.advance(Duration.ofMillis(100)); // the first retry: refused
    timer.advance(Duration.ofMillis(200)); // the second: refused
    assertThat(told).isEmpty();
    timer.advance(Duration.ofMillis(400)); // the third is taken
    assertThat(told).containsOnlyKeys("a");
    assertThat(told.get("a").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(memory.get("a").toCompletableFuture().join().orElseThrow().getState())
        .isEqualTo(TaskState.DONE);
    assertThat(scheduler.storeWritesDone()).isDone();
  }

  @Test
  void whileTheWriteIsRetried_theStoreWritesAreNotDone() {
    Assignment a = runOne("a");
    store.failNextCompletes(1);

    succeed(a);

    assertThat(scheduler.storeWritesDone()).isNotDone();
    timer.advance(Duration.ofMillis(100));
    assertThat(scheduler.storeWritesDone()).isDone();
  }

  @Test
  void refusedForwardedReport_isTriedAgain_untilTheStoreEndsTheTask() {
    runOne("mine");
    // A task another coordinator schedules, leased to this worker: its report reaches this one.
    memory
        .createAll(
            List.of(
                io.taskgrid.proto.v1.TaskInfo.newBuilder()
                    .setSpec(TaskSpec.newBuilder().setId("theirs").setType("t"))
                    .setState(TaskState.RUNNING)
                    .setAttempt(1)
                    .setWorkerId("w1")
                    .setOwner("other")
                    .build()))
        .toCompletableFuture()
        .join();
    hub.watchTask("theirs", rs -> rs.forEach(r -> told.put(r.getTaskId(), r)));
    store.failNextForwarded(2);

    scheduler.results(
        worker,
        List.of(
            TaskResult.newBuilder()
                .setTaskId("theirs")
                .setAttempt(1)
                .setOutcome(Outcome.SUCCEEDED)
                .build()));
    assertThat(told).isEmpty();
    timer.advance(Duration.ofMillis(100));
    assertThat(told).isEmpty();
    timer.advance(Duration.ofMillis(200));

    assertThat(told).containsOnlyKeys("theirs");
    assertThat(memory.get("theirs").toCompletableFuture().join().orElseThrow().getState())
        .isEqualTo(TaskState.DONE);
    assertThat(scheduler.storeWritesDone()).isDone();
  }

  @Test
  void taskWhoseResultIsBeingRetried_isNotAdoptedAgain() {
    Assignment a = runOne("a");
    store.failNextCompletes(1);
    succeed(a);
    // A scan after a failed claim returns this coordinator's own live records: "a" is one, its
    // DONE record not stored yet.
    io.taskgrid.proto.v1.TaskInfo stillLive =
        memory.get("a").toCompletableFuture().join().orElseThrow();

    scheduler.adopt(List.of(stillLive));

    assertThat(scheduler.liveTasks()).isZero();
    assertThat(link.assigned()).hasSize(1);
    timer.advance(Duration.ofMillis(100));
    assertThat(told).containsOnlyKeys("a");
  }

  @Test
  void watchersAreTold_assoonAsTheOutcomesStand_beforeTheLiveRecordsGo() {
    Assignment a = runOne("a");
    CompletableFuture<Void> removal = new CompletableFuture<>();
    store.holdNextRemoval(removal);

    succeed(a);

    assertThat(told).containsOnlyKeys("a");
    assertThat(told.get("a").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(scheduler.storeWritesDone()).isNotDone();
    // Until the live record is gone, a scan that returns it (a claim after a failed one) does not
    // make this coordinator run the task again.
    scheduler.adopt(List.of(running(a)));
    assertThat(scheduler.liveTasks()).isZero();
    assertThat(link.assigned()).hasSize(1);

    removal.complete(null);
    assertThat(scheduler.storeWritesDone()).isDone();
  }

  @Test
  void removalFailing_theWholeWriteIsTriedAgain_andTheWatchersAreToldOnce() {
    Assignment a = runOne("a");
    List<TaskResult> heard = new CopyOnWriteArrayList<>();
    hub.watchTask("a", heard::addAll);
    CompletableFuture<Void> removal = new CompletableFuture<>();
    store.holdNextRemoval(removal);
    succeed(a);
    assertThat(heard).hasSize(1);
    // The hub drops a task's watchers once it delivered: watch again, so that a second
    // publication of the outcome would be heard.
    hub.watchTask("a", heard::addAll);

    removal.completeExceptionally(new IllegalStateException("scripted: removal refused"));
    assertThat(scheduler.storeWritesDone()).isNotDone();
    timer.advance(Duration.ofMillis(100)); // the whole write again: taken

    assertThat(scheduler.storeWritesDone()).isDone();
    assertThat(heard).hasSize(1);
    assertThat(told).containsOnlyKeys("a");
  }

  private TaskInfo running(Assignment a) {
    return TaskInfo.newBuilder()
        .setSpec(a.getSpec())
        .setState(TaskState.RUNNING)
        .setAttempt(a.getAttempt())
        .setWorkerId("w1")
        .setOwner(scheduler.ownerId())
        .build();
  }

  @Test
  void storeNeverTakingIt_watchersAreToldAnyway_afterTheLastTry() {
    Assignment a = runOne("a");
    store.failNextCompletes(Scheduler.RESULT_WRITE_TRIES);

    succeed(a);
    for (int i = 0; i < Scheduler.RESULT_WRITE_TRIES && told.isEmpty(); i++) {
      timer.advance(Scheduler.RESULT_RETRY_MAX_DELAY);
    }

    assertThat(told).containsOnlyKeys("a");
    assertThat(timer.pending()).isZero();
  }
}

package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.coordinator.internal.testing.FakeTimer;
import io.taskgrid.coordinator.internal.testing.ForwardingTaskStore;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A store slower than the workers: the scheduler keeps at most {@link Scheduler#WRITES_IN_FLIGHT}
 * lease writes and as many result writes in flight, and merges what comes meanwhile into one write,
 * instead of queueing one store operation per worker message without bound. Nothing is written
 * twice or left out, and watchers still hear each outcome once it is stored.
 */
class SchedulerWriteCoalescingTest {
  private static final int TASKS = 20;

  private final FakeClock clock = new FakeClock();
  private final FakeTimer timer = new FakeTimer(clock);
  private final InMemoryTaskStore memory =
      new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  private final HeldWritesStore store = new HeldWritesStore(memory);
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
  private final WorkerHandle worker =
      new WorkerHandle(
          WorkerHello.newBuilder()
              .setWorkerId("w1")
              .addPools(PoolSpec.newBuilder().setPool(Pool.IO).setCapacity(TASKS).addHandlers("t"))
              .build(),
          link,
          clock.millis());

  /** Holds the writes it is told to hold until the test lets them end; counts every write. */
  private static final class HeldWritesStore extends ForwardingTaskStore {
    final List<Integer> resultWrites = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> heldResults = new CopyOnWriteArrayList<>();
    final List<Integer> leaseWrites = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> heldLeases = new CopyOnWriteArrayList<>();
    volatile boolean holdResults;
    volatile boolean holdLeases;

    HeldWritesStore(InMemoryTaskStore delegate) {
      super(delegate);
    }

    @Override
    public Completing completing(List<TaskInfo> records) {
      resultWrites.add(records.size());
      Completing written = delegate.completing(records);
      if (!holdResults) {
        return written;
      }
      CompletableFuture<Void> gate = new CompletableFuture<>();
      heldResults.add(gate);
      return new Completing(written.standing(), written.whole().thenCombine(gate, (w, g) -> w));
    }

    @Override
    public CompletionStage<Void> updateAll(Collection<TaskInfo> records) {
      leaseWrites.add(records.size());
      CompletionStage<Void> written = delegate.updateAll(records);
      if (!holdLeases) {
        return written;
      }
      CompletableFuture<Void> gate = new CompletableFuture<>();
      heldLeases.add(gate);
      return written.thenCombine(gate, (w, g) -> null);
    }
  }

  private void connectWorker() {
    assertThat(scheduler.workerConnected(worker)).isTrue();
    scheduler.credits(
        worker,
        Credits.newBuilder()
            .addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(TASKS))
            .build());
  }

  /** Submits one task on its own, so that it is leased in a step (and a lease write) of its own. */
  private void submit(String id) {
    Admission a =
        intake
            .submit(List.of(TaskSpec.newBuilder().setId(id).setType("t").build()))
            .toCompletableFuture()
            .join();
    a.watchIds().forEach(w -> hub.watchTask(w, rs -> rs.forEach(r -> told.put(r.getTaskId(), r))));
    a.schedule();
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

  private TaskState stored(String id) {
    return memory.get(id).toCompletableFuture().join().orElseThrow().getState();
  }

  @Test
  void resultsOneMessageEach_pastTheLimit_waitMergedIntoOneWrite_andAreToldOnceStored() {
    connectWorker();
    for (int i = 0; i < TASKS; i++) {
      submit("t" + i);
    }
    assertThat(link.assigned()).hasSize(TASKS);
    store.holdResults = true;

    link.assigned().forEach(this::succeed); // one worker message, one scheduler step, per result

    int limit = Scheduler.WRITES_IN_FLIGHT;
    assertThat(store.resultWrites)
        .containsExactlyElementsOf(java.util.Collections.nCopies(limit, 1));
    // The outcomes of the writes in flight stand (only their live records' removal is held);
    // the others are not stored yet, so nobody is told of them.
    assertThat(told).hasSize(limit);
    assertThat(stored("t" + limit)).isEqualTo(TaskState.RUNNING);
    assertThat(scheduler.storeWritesDone()).isNotDone();

    store.heldResults.get(0).complete(null);

    assertThat(store.resultWrites).hasSize(limit + 1).endsWith(TASKS - limit);
    assertThat(told).hasSize(TASKS);
    for (int i = 0; i < TASKS; i++) {
      assertThat(stored("t" + i)).isEqualTo(TaskState.DONE);
      assertThat(told.get("t" + i).getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    }
    assertThat(scheduler.storeWritesDone()).isNotDone(); // a stopping coordinator waits for all
    store.heldResults.forEach(g -> g.complete(null));
    assertThat(scheduler.storeWritesDone()).isDone();
  }

  @Test
  void leasesOneStepEach_pastTheLimit_waitMergedIntoOneWrite() {
    connectWorker();
    store.holdLeases = true;

    for (int i = 0; i < TASKS; i++) {
      submit("t" + i);
    }

    int limit = Scheduler.WRITES_IN_FLIGHT;
    assertThat(link.assigned()).hasSize(TASKS); // assignments never wait for the lease writes
    assertThat(store.leaseWrites)
        .containsExactlyElementsOf(java.util.Collections.nCopies(limit, 1));
    assertThat(stored("t" + limit)).isEqualTo(TaskState.QUEUED);

    store.heldLeases.get(0).complete(null);

    assertThat(store.leaseWrites).hasSize(limit + 1).endsWith(TASKS - limit);
    for (int i = 0; i < TASKS; i++) {
      assertThat(stored("t" + i)).isEqualTo(TaskState.RUNNING);
    }
    assertThat(scheduler.storeWritesDone()).isNotDone();
    store.heldLeases.forEach(g -> g.complete(null));
    assertThat(scheduler.storeWritesDone()).isDone();
  }
}

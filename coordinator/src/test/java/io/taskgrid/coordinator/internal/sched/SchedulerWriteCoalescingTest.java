package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.metrics.CoordinatorMetrics;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.ForwardingTaskStore;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A store slower than the workers: the scheduler keeps at most {@link Scheduler#WRITES_IN_FLIGHT}
 * lease writes and as many result writes in flight, and merges what comes meanwhile into one write,
 * instead of queueing one store operation per worker message without bound. Nothing is written
 * twice or left out, and watchers still hear each outcome once it is stored. The records that wait
 * and the writes in flight show in the coordinator's gauges, read at scrape time.
 */
class SchedulerWriteCoalescingTest {
  private static final int TASKS = 20;

  private HeldWritesStore held;
  private final SchedulerFixture f =
      new SchedulerFixture(memory -> held = new HeldWritesStore(memory));
  private final FakeLink link = new FakeLink();
  private WorkerHandle worker;

  /** The scheduler's gauges, scraped from a registry as the coordinator's endpoint does. */
  private final CollectorRegistry registry = new CollectorRegistry();

  {
    CoordinatorMetrics.register(registry).registerSchedulerGauges(registry, f.scheduler);
  }

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
    worker = f.worker("w1", link, "t");
    f.credit(worker, TASKS);
  }

  /**
   * Submits the tasks one at a time, so that each is leased in a step (and a lease write) of its
   * own.
   */
  private void submitEachOnItsOwn() {
    for (int i = 0; i < TASKS; i++) {
      f.submit(SchedulerFixture.spec("t" + i, "t"));
    }
  }

  private double waitingRecords(String kind) {
    return scraped("taskgrid_store_writes_waiting_records", kind);
  }

  private double writesInFlight(String kind) {
    return scraped("taskgrid_store_writes_in_flight", kind);
  }

  private double scraped(String name, String kind) {
    Double v = registry.getSampleValue(name, new String[] {"kind"}, new String[] {kind});
    assertThat(v).as("%s{kind=%s}", name, kind).isNotNull();
    return v;
  }

  private TaskState stored(String id) {
    return f.store.get(id).toCompletableFuture().join().orElseThrow().getState();
  }

  @Test
  void resultsOneMessageEach_pastTheLimit_waitMergedIntoOneWrite_andAreToldOnceStored() {
    connectWorker();
    submitEachOnItsOwn();
    assertThat(link.assigned()).hasSize(TASKS);
    held.holdResults = true;
    assertThat(waitingRecords("result")).isZero();
    assertThat(writesInFlight("result")).isZero();

    link.assigned()
        .forEach(
            a ->
                f.report(
                    worker,
                    a,
                    Outcome.SUCCEEDED,
                    "",
                    false)); // one worker message, one scheduler step, per result

    int limit = Scheduler.WRITES_IN_FLIGHT;
    assertThat(held.resultWrites)
        .containsExactlyElementsOf(java.util.Collections.nCopies(limit, 1));
    // The outcomes of the writes in flight stand (only their live records' removal is held);
    // the others are not stored yet, so nobody is told of them.
    assertThat(f.completed).hasSize(limit);
    assertThat(stored("t" + limit)).isEqualTo(TaskState.RUNNING);
    assertThat(f.scheduler.storeWritesDone()).isNotDone();
    // The gauges, read at scrape time, show what waits and what is in flight.
    assertThat(waitingRecords("result")).isEqualTo(TASKS - limit);
    assertThat(writesInFlight("result")).isEqualTo(limit);
    assertThat(waitingRecords("lease")).isZero(); // the leases' writes were not held
    assertThat(writesInFlight("lease")).isZero();

    held.heldResults.get(0).complete(null);

    assertThat(held.resultWrites).hasSize(limit + 1).endsWith(TASKS - limit);
    assertThat(waitingRecords("result")).isZero(); // they went as one write in its place
    assertThat(writesInFlight("result")).isEqualTo(limit);
    assertThat(f.completed).hasSize(TASKS);
    for (int i = 0; i < TASKS; i++) {
      assertThat(stored("t" + i)).isEqualTo(TaskState.DONE);
      assertThat(f.completed.get("t" + i).getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    }
    assertThat(f.scheduler.storeWritesDone()).isNotDone(); // a stopping coordinator waits for all
    held.heldResults.forEach(g -> g.complete(null));
    assertThat(f.scheduler.storeWritesDone()).isDone();
    assertThat(writesInFlight("result")).isZero();
  }

  @Test
  void leasesOneStepEach_pastTheLimit_waitMergedIntoOneWrite() {
    connectWorker();
    held.holdLeases = true;

    submitEachOnItsOwn();

    int limit = Scheduler.WRITES_IN_FLIGHT;
    assertThat(link.assigned()).hasSize(TASKS); // assignments never wait for the lease writes
    assertThat(held.leaseWrites).containsExactlyElementsOf(java.util.Collections.nCopies(limit, 1));
    assertThat(stored("t" + limit)).isEqualTo(TaskState.QUEUED);
    assertThat(waitingRecords("lease")).isEqualTo(TASKS - limit);
    assertThat(writesInFlight("lease")).isEqualTo(limit);
    assertThat(waitingRecords("result")).isZero();
    assertThat(writesInFlight("result")).isZero();

    held.heldLeases.get(0).complete(null);

    assertThat(held.leaseWrites).hasSize(limit + 1).endsWith(TASKS - limit);
    assertThat(waitingRecords("lease")).isZero();
    assertThat(writesInFlight("lease")).isEqualTo(limit);
    for (int i = 0; i < TASKS; i++) {
      assertThat(stored("t" + i)).isEqualTo(TaskState.RUNNING);
    }
    assertThat(f.scheduler.storeWritesDone()).isNotDone();
    held.heldLeases.forEach(g -> g.complete(null));
    assertThat(f.scheduler.storeWritesDone()).isDone();
    assertThat(writesInFlight("lease")).isZero();
  }
}

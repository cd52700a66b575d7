package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.coordinator.internal.testing.FakeTimer;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelOutcome;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scheduler with direct executors, a fake clock, an in-memory store and chosen type limits and
 * jitter: each call has fully taken effect when it returns, so tests need no waiting.
 */
final class SchedulerFixture {
  final FakeClock clock = new FakeClock();
  final InMemoryTaskStore store = new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  final CompletionHub hub = new CompletionHub();

  /** Runs permit retries when a test advances it (unless the fixture was given another timer). */
  final FakeTimer timer;

  final Scheduler scheduler;
  final TaskIntake intake;
  final Map<String, TaskResult> completed = new ConcurrentHashMap<>();
  private final CompletionSubscriber recorder =
      rs -> rs.forEach(r -> completed.put(r.getTaskId(), r));

  SchedulerFixture(Map<String, Integer> typeLimits, DoubleSupplier jitter) {
    this(typeLimits, jitter, new InMemoryTypePermits(), "local", null, memory -> memory);
  }

  /**
   * A scheduler and an intake that write through {@code around(store)}: a test store that scripts
   * faults or holds writes in front of the in-memory one, which {@link #store} still reads.
   */
  SchedulerFixture(Function<InMemoryTaskStore, TaskStore> around) {
    this(Map.of(), () -> 0.0, new InMemoryTypePermits(), "local", null, around);
  }

  /**
   * A scheduler that shares {@code permits} as coordinator {@code owner} (fixtures sharing one
   * permits object act as the coordinators of one cluster) and retries refused permits on {@code
   * permitRetries} (null: on {@link #timer}).
   */
  SchedulerFixture(
      Map<String, Integer> typeLimits,
      DoubleSupplier jitter,
      TypePermits permits,
      String owner,
      @Nullable RetryTimer permitRetries) {
    this(typeLimits, jitter, permits, owner, permitRetries, memory -> memory);
  }

  private SchedulerFixture(
      Map<String, Integer> typeLimits,
      DoubleSupplier jitter,
      TypePermits permits,
      String owner,
      @Nullable RetryTimer permitRetries,
      Function<InMemoryTaskStore, TaskStore> around) {
    timer = new FakeTimer(clock);
    TaskStore written = around.apply(store);
    scheduler =
        new Scheduler(
            clock,
            written,
            hub,
            new JobStats(),
            Runnable::run,
            SchedulerSettings.defaults()
                .withOwner(owner, CompletionBus.LOCAL)
                .withTypeLimits(typeLimits)
                .withJitter(jitter)
                .withPermits(permits, permitRetries == null ? timer : permitRetries));
    intake = new TaskIntake(clock, written, scheduler, IntakeSettings.of(1024, 100, 100_000));
  }

  static TaskSpec spec(String id, String type) {
    return TaskSpec.newBuilder().setId(id).setType(type).build();
  }

  List<SubmitAck> submit(TaskSpec... specs) {
    Admission a = intake.submit(Arrays.asList(specs)).toCompletableFuture().join();
    a.watchIds().forEach(id -> hub.watchTask(id, recorder));
    a.schedule();
    return a.acks();
  }

  WorkerHandle worker(String id, FakeLink link, String... handlers) {
    WorkerHandle h =
        new WorkerHandle(
            WorkerHello.newBuilder()
                .setWorkerId(id)
                .addPools(
                    PoolSpec.newBuilder()
                        .setPool(Pool.IO)
                        .setCapacity(1000)
                        .addAllHandlers(List.of(handlers)))
                .build(),
            link,
            clock.millis());
    if (!scheduler.workerConnected(h)) {
      throw new IllegalStateException("worker " + id + " already connected");
    }
    return h;
  }

  void credit(WorkerHandle w, int n) {
    scheduler.credits(
        w,
        Credits.newBuilder()
            .addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n))
            .build());
  }

  void report(WorkerHandle w, Assignment a, Outcome outcome, String errorType, boolean retryable) {
    scheduler.results(
        w,
        List.of(
            TaskResult.newBuilder()
                .setTaskId(a.getSpec().getId())
                .setAttempt(a.getAttempt())
                .setOutcome(outcome)
                .setError(TaskError.newBuilder().setType(errorType).setRetryable(retryable))
                .build()));
  }

  CancelOutcome.Result cancel(String id) {
    return scheduler
        .cancel(List.of(id), false)
        .toCompletableFuture()
        .join()
        .getOutcomes(0)
        .getResult();
  }

  int queued() {
    return scheduler.queued(Pool.IO).toCompletableFuture().join();
  }
}

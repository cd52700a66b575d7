package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.metrics.CoordinatorMetrics;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Credits;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's task events, seen through the metrics they feed. Executors are direct and the
 * clock is fake, so every figure below is exact.
 */
class SchedulerMetricsTest {
  private final FakeClock clock = new FakeClock();
  private final InMemoryTaskStore store =
      new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  private final CompletionHub hub = new CompletionHub();
  private final CollectorRegistry registry = new CollectorRegistry();
  private final CoordinatorMetrics metrics = CoordinatorMetrics.register(registry);
  private final Scheduler scheduler =
      new Scheduler(
          clock,
          store,
          hub,
          new JobStats(),
          Runnable::run,
          SchedulerSettings.defaults().withEvents(metrics));
  private final TaskIntake intake =
      new TaskIntake(clock, store, scheduler, IntakeSettings.of(1024, 100, 1000));

  {
    metrics.registerSchedulerGauges(registry, scheduler);
  }

  @Test
  void tasksThroughScheduler_countersAndHistogramsMatchTheFakeClock() {
    // GIVEN a worker running "echo" and three accepted tasks
    FakeLink link = new FakeLink();
    WorkerHandle w = worker(link);
    submit("ok", "flaky", "slow");
    assertThat(value("taskgrid_tasks_submitted_total", "pool", "io", "type", "echo"))
        .isEqualTo(3.0);
    assertThat(value("taskgrid_queue_depth", "pool", "io")).isEqualTo(3.0);

    // WHEN they wait 2 s for credits, run 3 s, one fails retryably and runs again
    clock.advance(Duration.ofSeconds(2));
    credit(w, 3);
    assertThat(value("taskgrid_tasks_running", "pool", "io")).isEqualTo(3.0);
    clock.advance(Duration.ofSeconds(3));
    report(w, assignment(link, "ok", 1), Outcome.SUCCEEDED, false);
    report(w, assignment(link, "flaky", 1), Outcome.FAILED, true);
    credit(w, 2);
    report(w, assignment(link, "flaky", 2), Outcome.FAILED, false);

    // THEN each figure is exact
    assertThat(
            value(
                "taskgrid_tasks_completed_total",
                "pool",
                "io",
                "type",
                "echo",
                "outcome",
                "succeeded"))
        .isEqualTo(1.0);
    assertThat(
            value(
                "taskgrid_tasks_completed_total",
                "pool",
                "io",
                "type",
                "echo",
                "outcome",
                "failed"))
        .isEqualTo(1.0);
    assertThat(
            value("taskgrid_tasks_retried_total", "pool", "io", "type", "echo", "reason", "failed"))
        .isEqualTo(1.0);
    // queue wait counts first leases only: 3 tasks x 2 s
    assertThat(value("taskgrid_task_queue_wait_seconds_count", "pool", "io", "type", "echo"))
        .isEqualTo(3.0);
    assertThat(value("taskgrid_task_queue_wait_seconds_sum", "pool", "io", "type", "echo"))
        .isEqualTo(6.0);
    // "ok" ran 3 s; "flaky"'s second attempt started and ended at the same instant
    assertThat(value("taskgrid_task_run_seconds_sum", "pool", "io", "type", "echo")).isEqualTo(3.0);
    assertThat(value("taskgrid_task_run_seconds_count", "pool", "io", "type", "echo"))
        .isEqualTo(2.0);
    assertThat(value("taskgrid_task_latency_seconds_sum", "pool", "io", "type", "echo"))
        .isEqualTo(10.0);
    assertThat(value("taskgrid_tasks_running", "pool", "io")).isEqualTo(1.0);
    assertThat(value("taskgrid_queue_depth", "pool", "io")).isEqualTo(0.0);
    assertThat(registry.getSampleValue("taskgrid_workers_connected")).isEqualTo(1.0);
    assertThat(registry.getSampleValue("taskgrid_tasks_live")).isEqualTo(1.0);
  }

  @Test
  void submit_invalidAndDuplicateWithOtherSpec_rejectionsCountedByReason() {
    submit("a");
    intake
        .submit(
            List.of(
                TaskSpec.newBuilder().setId("").setType("echo").build(),
                TaskSpec.newBuilder().setId("a").setType("echo").setPriority(5).build()))
        .toCompletableFuture()
        .join();

    assertThat(value("taskgrid_tasks_rejected_total", "reason", "invalid_argument")).isEqualTo(1.0);
    assertThat(value("taskgrid_tasks_rejected_total", "reason", "already_exists")).isEqualTo(1.0);
    assertThat(value("taskgrid_tasks_rejected_total", "reason", "resource_exhausted"))
        .isEqualTo(0.0);
  }

  @Test
  void register_noTasks_everyPoolAndOutcomeSeriesExistsAtZero() {
    for (String pool : List.of("io", "cpu", "unknown")) {
      assertThat(value("taskgrid_tasks_submitted_total", "pool", pool, "type", "other"))
          .isEqualTo(0.0);
      for (String reason : List.of("failed", "worker_lost", "lease_lost", "adopted", "other")) {
        assertThat(
                value(
                    "taskgrid_tasks_retried_total",
                    "pool",
                    pool,
                    "type",
                    "other",
                    "reason",
                    reason))
            .isEqualTo(0.0);
      }
      assertThat(value("taskgrid_task_latency_seconds_count", "pool", pool, "type", "other"))
          .isEqualTo(0.0);
      for (String outcome :
          List.of("succeeded", "failed", "cancelled", "timed_out", "worker_lost", "rejected")) {
        assertThat(
                value(
                    "taskgrid_tasks_completed_total",
                    "pool",
                    pool,
                    "type",
                    "other",
                    "outcome",
                    outcome))
            .isEqualTo(0.0);
      }
    }
    assertThat(value("taskgrid_queue_depth", "pool", "cpu")).isEqualTo(0.0);
    assertThat(registry.getSampleValue("taskgrid_workers_connected")).isEqualTo(0.0);
  }

  @Test
  void stuckQueue_noWorkerOffersTheType_ageAndTypeWithoutWorkerShown() {
    // GIVEN a worker offering "echo" that left again: echo is remembered, so tasks are accepted
    FakeLink link = new FakeLink();
    scheduler.workerDisconnected(worker(link));
    submit("a", "b");

    // WHEN they wait 30 s with no worker
    clock.advance(Duration.ofSeconds(30));

    // THEN the pool shows them as waiting for a worker that offers their type
    assertThat(value("taskgrid_oldest_queued_task_age_seconds", "pool", "io")).isEqualTo(30.0);
    assertThat(value("taskgrid_tasks_queued_without_worker", "pool", "io", "type", "echo"))
        .isEqualTo(2.0);
    assertThat(value("taskgrid_tasks_queued_without_worker", "pool", "io", "type", "other"))
        .isEqualTo(0.0);

    // WHEN a worker offering echo connects (no credit yet): waiting, but not without a worker
    // (the series of a type goes away; "other" stays, at 0, so the alert has data)
    WorkerHandle w = worker(new FakeLink());
    assertThat(value("taskgrid_tasks_queued_without_worker", "pool", "io", "type", "echo"))
        .isNull();
    assertThat(value("taskgrid_tasks_queued_without_worker", "pool", "io", "type", "other"))
        .isEqualTo(0.0);
    assertThat(value("taskgrid_oldest_queued_task_age_seconds", "pool", "io")).isEqualTo(30.0);

    // WHEN it takes both and they run 5 s
    credit(w, 2);
    clock.advance(Duration.ofSeconds(5));
    assertThat(value("taskgrid_oldest_queued_task_age_seconds", "pool", "io")).isEqualTo(0.0);
    assertThat(value("taskgrid_longest_running_task_age_seconds", "pool", "io")).isEqualTo(5.0);
    assertThat(value("taskgrid_longest_running_task_age_seconds", "pool", "cpu")).isEqualTo(0.0);
  }

  @Test
  void neverAnnouncedType_noWorker_waitsUnderPoolUnknownAndTypeOther() {
    intake
        .submit(List.of(TaskSpec.newBuilder().setId("x").setType("random-123").build()))
        .toCompletableFuture()
        .join()
        .schedule();
    clock.advance(Duration.ofSeconds(7));

    assertThat(value("taskgrid_tasks_submitted_total", "pool", "unknown", "type", "other"))
        .isEqualTo(1.0);
    assertThat(value("taskgrid_tasks_queued_without_worker", "pool", "unknown", "type", "other"))
        .isEqualTo(1.0);
    assertThat(value("taskgrid_oldest_queued_task_age_seconds", "pool", "unknown")).isEqualTo(7.0);
    // no series carries the client's type name: the label set stays bounded
    assertThat(value("taskgrid_tasks_submitted_total", "pool", "unknown", "type", "random-123"))
        .isNull();
  }

  @Test
  void workerLostWhileRunning_retryCountedWithReasonWorkerLost() {
    FakeLink first = new FakeLink();
    WorkerHandle w1 = worker(first);
    submit("t");
    credit(w1, 1);
    scheduler.workerDisconnected(w1);
    FakeLink second = new FakeLink();
    WorkerHandle w2 = worker(second);

    credit(w2, 1);

    assertThat(assignment(second, "t", 2)).isNotNull();
    assertThat(
            value(
                "taskgrid_tasks_retried_total",
                "pool",
                "io",
                "type",
                "echo",
                "reason",
                "worker_lost"))
        .isEqualTo(1.0);
    assertThat(
            value("taskgrid_tasks_retried_total", "pool", "io", "type", "echo", "reason", "failed"))
        .isEqualTo(0.0);
  }

  private @Nullable Double value(String name, String... labelPairs) {
    String[] names = new String[labelPairs.length / 2];
    String[] values = new String[labelPairs.length / 2];
    for (int i = 0; i < names.length; i++) {
      names[i] = labelPairs[2 * i];
      values[i] = labelPairs[2 * i + 1];
    }
    return registry.getSampleValue(name, names, values);
  }

  private void submit(String... ids) {
    List<TaskSpec> specs =
        java.util.Arrays.stream(ids)
            .map(id -> TaskSpec.newBuilder().setId(id).setType("echo").build())
            .toList();
    intake.submit(specs).toCompletableFuture().join().schedule();
  }

  private WorkerHandle worker(FakeLink link) {
    WorkerHandle h =
        new WorkerHandle(
            WorkerHello.newBuilder()
                .setWorkerId("w1")
                .addPools(
                    PoolSpec.newBuilder().setPool(Pool.IO).setCapacity(100).addHandlers("echo"))
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

  private static Assignment assignment(FakeLink link, String id, int attempt) {
    return link.assigned().stream()
        .filter(a -> a.getSpec().getId().equals(id) && a.getAttempt() == attempt)
        .findFirst()
        .orElseThrow();
  }

  private void report(WorkerHandle w, Assignment a, Outcome outcome, boolean retryable) {
    scheduler.results(
        w,
        List.of(
            TaskResult.newBuilder()
                .setTaskId(a.getSpec().getId())
                .setAttempt(a.getAttempt())
                .setOutcome(outcome)
                .setError(TaskError.newBuilder().setRetryable(retryable))
                .build()));
  }
}

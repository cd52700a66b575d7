package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.client.CancelOutcome;
import io.taskgrid.client.DoneAndPending;
import io.taskgrid.client.Futures;
import io.taskgrid.client.ReturnWhen;
import io.taskgrid.client.TaskCancelledException;
import io.taskgrid.client.TaskFailedException;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskGroup;
import io.taskgrid.client.TaskGroupException;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskRejectedException;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTimedOutException;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's "done when" list against a real coordinator process and a real worker process (one CPU
 * child, 16 I/O slots), started once for the class. The fairness test runs last because it fills
 * the queue.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AsyncioSemanticsIT {
  /** The worker's default grace before a cancelled CPU task's child is killed. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir static Path workDir;
  private static TaskgridProcess coordinator;
  private static TaskgridProcess worker;
  private static TaskgridClient client;

  @BeforeAll
  static void startCluster() throws Exception {
    coordinator = TaskgridProcess.startCoordinator(workDir);
    worker =
        TaskgridProcess.start(
            "worker",
            workDir,
            "worker",
            "--coordinator",
            coordinator.target(),
            "--cpu-processes",
            "1",
            "--io-capacity",
            "16");
    client = TaskgridClient.connect(coordinator.target());
    worker.await(
        LONG,
        "the worker connected with its CPU pool",
        () -> client.workers().stream().anyMatch(AsyncioSemanticsIT::hasCpuPool));
    awaitCpuChildReady();
  }

  /**
   * Runs a short CPU task to the end, so the next CPU task starts on a ready child at once (a child
   * JVM still starting would leave it queued in the worker, where a cancel or timeout only drops
   * it).
   */
  private static void awaitCpuChildReady() throws Exception {
    client.submit(TaskTypes.SUM_SQUARES, 10L).get(60, TimeUnit.SECONDS);
  }

  private static boolean hasCpuPool(WorkerInfo w) {
    return w.pools().stream().anyMatch(p -> p.pool() == TaskPool.CPU);
  }

  @AfterAll
  static void stopCluster() {
    if (client != null) {
      client.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  @Order(1)
  void waitFirstException_failWhileSleepsPending_returnsWithSleepsPending() throws Exception {
    List<TaskFuture<?>> fs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fs.add(client.submit(TaskTypes.SLEEP, 60_000L));
    }
    TaskFuture<String> fail = client.submit(TaskTypes.FAIL, "boom");
    fs.add(fail);

    DoneAndPending<TaskFuture<?>> r = Futures.wait(fs, ReturnWhen.FIRST_EXCEPTION, LONG);

    assertThat(r.done()).containsExactly(fail);
    assertThat(r.pending()).hasSize(4).doesNotContain(fail);
    assertThat(fail)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(TaskFailedException.class);
    r.pending().forEach(f -> f.cancel(false));
  }

  @Test
  @Order(2)
  void cancelRunningSpin_childKilledWithinGracePlusOneSecond_outcomeCancelled() throws Exception {
    TaskFuture<Long> spin = client.submit(TaskTypes.SPIN, 0L); // spins until killed
    worker.await(LONG, "the spin task running", () -> state(spin.taskId()) == TaskState.RUNNING);
    ProcessHandle child = onlyChild();

    long cancelledAt = System.nanoTime();
    CancelOutcome outcome = spin.cancelAsync(false).get(30, TimeUnit.SECONDS);

    assertThat(outcome).isEqualTo(CancelOutcome.STOPPED_WHILE_RUNNING);
    assertThatThrownBy(() -> spin.get(30, TimeUnit.SECONDS))
        .isInstanceOf(TaskCancelledException.class);
    // spin ignores the interrupt: the worker kills its child after the grace period.
    Duration sinceCancel = Duration.ofNanos(System.nanoTime() - cancelledAt);
    worker.await(
        GRACE.plusSeconds(1).minus(sinceCancel),
        "the spinning child killed within grace + 1 s of the cancel",
        () -> !child.isAlive());
    assertThat(outcomeOf(spin.taskId())).isEqualTo("CANCELLED");
    worker.await(LONG, "a fresh CPU child", () -> onlyChildOrNull() != null);
    assertThat(onlyChild().pid()).isNotEqualTo(child.pid());
  }

  @Test
  @Order(3)
  void runTimeoutOnSpin_timedOutAndChildReplaced() throws Exception {
    awaitCpuChildReady(); // the previous test killed the child: its replacement must be up
    long before = onlyChild().pid();

    TaskFuture<Long> spin =
        client.submit(
            TaskTypes.SPIN, 0L, TaskOptions.newBuilder().timeout(Duration.ofMillis(500)).build());

    assertThat(spin)
        .failsWithin(LONG)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(TaskTimedOutException.class);
    assertThat(outcomeOf(spin.taskId())).isEqualTo("TIMED_OUT");
    worker.await(
        LONG,
        "the timed-out child replaced",
        () -> {
          ProcessHandle c = onlyChildOrNull();
          return c != null && c.pid() != before;
        });
  }

  @Test
  @Order(4)
  void taskGroup_oneFails_siblingsCancelledOnTheCluster() {
    List<TaskFuture<Long>> sleeps = new ArrayList<>();
    TaskGroupException thrown;
    try (TaskGroup group = client.newGroup()) {
      for (int i = 0; i < 3; i++) {
        sleeps.add(group.submit(TaskTypes.SLEEP, 60_000L));
      }
      group.submit(TaskTypes.FAIL, "group member failed");
      thrown = null;
    } catch (TaskGroupException e) {
      thrown = e;
    }

    assertThat(thrown).isNotNull();
    assertThat(thrown.failures())
        .anySatisfy(f -> assertThat(f).isInstanceOf(TaskFailedException.class));
    for (TaskFuture<Long> s : sleeps) {
      assertThat(s).isCancelled();
      worker.await(
          LONG,
          "sibling cancelled on the coordinator",
          () -> "CANCELLED".equals(outcomeOrNull(s.taskId())));
    }
  }

  @Test
  @Order(5)
  void idempotentIds_sameIdFromTwoClients_sameTask_differentSpecAlreadyExists() throws Exception {
    TaskOptions id = TaskOptions.newBuilder().id("asyncio-it-idem-1").build();
    TaskFuture<Long> first = client.submit(TaskTypes.SLEEP, 300L, id);
    // On the same client while pending: bound to the same task, not sent again.
    TaskFuture<Long> sameClient = client.submit(TaskTypes.SLEEP, 300L, id);
    TaskFuture<Long> sameClientDifferent =
        client.submit(
            TaskTypes.SLEEP, 301L, TaskOptions.newBuilder().id("asyncio-it-idem-1").build());
    try (TaskgridClient other = TaskgridClient.connect(coordinator.target());
        TaskgridClient third = TaskgridClient.connect(coordinator.target())) {
      TaskFuture<Long> again = other.submit(TaskTypes.SLEEP, 300L, id);
      TaskFuture<Long> different =
          third.submit(
              TaskTypes.SLEEP,
              301L,
              TaskOptions.newBuilder().id("asyncio-it-idem-1").jobId("x").build());

      assertThat(first).succeedsWithin(LONG).isEqualTo(300L);
      assertThat(again).succeedsWithin(LONG).isEqualTo(300L);
      assertThat(sameClient).succeedsWithin(LONG).isEqualTo(300L);
      for (TaskFuture<Long> rejected : List.of(different, sameClientDifferent)) {
        assertThat(rejected)
            .failsWithin(LONG)
            .withThrowableOfType(ExecutionException.class)
            .havingCause()
            .isInstanceOfSatisfying(
                TaskRejectedException.class,
                e -> {
                  assertThat(e.code()).isEqualTo("ALREADY_EXISTS");
                  assertThat(e.getMessage()).contains("already exists with a different spec");
                });
      }
    }
    // One task ran, once.
    assertThat(client.getTask("asyncio-it-idem-1").flatMap(TaskStatus::result).orElseThrow())
        .extracting(TaskResultInfo::attempt)
        .isEqualTo(1);
  }

  @Test
  @Order(100)
  void fairness_tenTaskJobFinishesWhileTwentyThousandTaskJobStillQueued() throws Exception {
    // GIVEN a big job that needs minutes on 16 slots (20,000 x 100 ms)
    TaskOptions big = TaskOptions.newBuilder().jobId("big").build();
    List<TaskFuture<Long>> bigTasks =
        client.map(TaskTypes.SLEEP, Collections.nCopies(20_000, 100L), big);
    worker.await(LONG, "the big job running", () -> bigTasks.stream().anyMatch(f -> f.isDone()));

    // WHEN a 10-task job is submitted behind it
    List<TaskFuture<Long>> small =
        client.map(
            TaskTypes.SLEEP,
            IntStream.range(0, 10).mapToObj(i -> 1L).toList(),
            TaskOptions.newBuilder().jobId("small").build());

    // THEN the small job finishes while most of the big one is still queued
    assertThat(Futures.gather(small)).succeedsWithin(LONG);
    long bigDone = bigTasks.stream().filter(CompletableFuture::isDone).count();
    assertThat(bigDone).isLessThan(10_000);

    List<CompletableFuture<CancelOutcome>> cancels = new ArrayList<>();
    bigTasks.forEach(f -> cancels.add(f.cancelAsync(false)));
    CompletableFuture.allOf(cancels.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
  }

  private static @Nullable TaskState state(String taskId) {
    return client.getTask(taskId).map(TaskStatus::state).orElse(null);
  }

  private static @Nullable String outcomeOrNull(String taskId) {
    return client
        .getTask(taskId)
        .flatMap(TaskStatus::result)
        .map(TaskResultInfo::outcome)
        .orElse(null);
  }

  private static String outcomeOf(String taskId) {
    String outcome = outcomeOrNull(taskId);
    if (outcome == null) {
      throw new AssertionError("task " + taskId + " has no result\n" + worker.logTail());
    }
    return outcome;
  }

  private static @Nullable ProcessHandle onlyChildOrNull() {
    List<ProcessHandle> children = worker.children();
    return children.size() == 1 ? children.get(0) : null;
  }

  private static ProcessHandle onlyChild() {
    List<ProcessHandle> children = worker.children();
    assertThat(children).as("CPU children of the worker").hasSize(1);
    return children.get(0);
  }
}

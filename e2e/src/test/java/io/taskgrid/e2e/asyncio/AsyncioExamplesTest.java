package io.taskgrid.e2e.asyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.AsCompleted;
import io.taskgrid.client.CancelOutcome;
import io.taskgrid.client.Codecs;
import io.taskgrid.client.DoneAndPending;
import io.taskgrid.client.Futures;
import io.taskgrid.client.Progress;
import io.taskgrid.client.RetryPolicy;
import io.taskgrid.client.ReturnWhen;
import io.taskgrid.client.Settled;
import io.taskgrid.client.TaskCancelledException;
import io.taskgrid.client.TaskFailedException;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskGroup;
import io.taskgrid.client.TaskGroupException;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTimedOutException;
import io.taskgrid.client.TaskType;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runnable examples of {@code docs/ASYNCIO.md}: one test per row of the asyncio → Taskgrid
 * table, against a real coordinator and worker started in this JVM (Netty on 127.0.0.1, ephemeral
 * ports). Each test is the row's example; the assertions say what Python would print.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AsyncioExamplesTest {
  static final TaskType<Long, String> BLOCKING =
      TaskType.of("example.blocking", Codecs.longs(), Codecs.string());
  static final TaskType<Long, Long> HALF_WAY =
      TaskType.of("example.progress", Codecs.longs(), Codecs.longs());
  static final TaskType<Long, Long> FLAKY =
      TaskType.of("example.flaky", Codecs.longs(), Codecs.longs());

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long FOREVER = 600_000L;

  private static Coordinator coordinator;
  private static Worker worker;
  private static TaskgridClient client;

  /** Futures a test left running; cancelled after it so the next test starts idle. */
  private final List<TaskFuture<?>> leftovers = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .clusterName("asyncio-examples-" + System.nanoTime())
                // The Semaphore row: at most 2 example.blocking tasks run at once, cluster-wide.
                .typeLimits(Map.of("example.blocking", 2))
                .build());
    worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(coordinator.target()))
                .cpuProcesses(1)
                .build());
    client = TaskgridClient.connect(coordinator.target());
  }

  @AfterEach
  void cancelLeftovers() {
    leftovers.forEach(f -> f.cancel(true));
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

  private <T> TaskFuture<T> keep(TaskFuture<T> f) {
    leftovers.add(f);
    return f;
  }

  // --- asyncio.gather(*aws) ---------------------------------------------------------------------

  @Test
  void gather_sumsOfSquares_valuesInInputOrder() {
    // tag::gather[]
    List<TaskFuture<BigInteger>> sums =
        client.map(TaskTypes.SUM_SQUARES, List.of(10L, 100L, 1_000L));

    List<BigInteger> values = Futures.gather(sums).join(); // [285, 328350, 332833500]
    // end::gather[]

    assertThat(values)
        .containsExactly(
            BigInteger.valueOf(285), BigInteger.valueOf(328_350), BigInteger.valueOf(332_833_500));
  }

  @Test
  void gather_oneFails_failsFastWithThatTasksError() {
    TaskFuture<Long> slow = keep(client.submit(TaskTypes.SLEEP, FOREVER));
    TaskFuture<String> bad = client.submit(TaskTypes.FAIL, "boom");

    CompletableFuture<List<Object>> all = Futures.gather(List.of(slow, bad));

    assertThat(all)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(TaskFailedException.class)
        .withMessageContaining("boom");
    assertThat(slow).isNotDone(); // as in asyncio, the others keep running
  }

  // --- asyncio.gather(*aws, return_exceptions=True) ---------------------------------------------

  @Test
  void gatherSettled_mixedOutcomes_everyOutcomeInInputOrder() {
    List<TaskFuture<String>> fs =
        List.of(client.submit(TaskTypes.ECHO, "ok"), client.submit(TaskTypes.FAIL, "boom"));

    List<Settled<String>> settled = Futures.gatherSettled(fs).join();

    assertThat(settled.get(0).value()).isEqualTo("ok");
    assertThat(settled.get(1).succeeded()).isFalse();
    assertThat(settled.get(1).error()).isInstanceOf(TaskFailedException.class);
  }

  // --- asyncio.as_completed(aws, timeout=...) ---------------------------------------------------

  @Test
  void asCompleted_fastAndSlow_fastComesFirst_timeoutSaysHowManyPending() throws Exception {
    TaskFuture<Long> slow = keep(client.submit(TaskTypes.SLEEP, FOREVER));
    TaskFuture<Long> fast = client.submit(TaskTypes.SLEEP, 1L);

    AsCompleted<TaskFuture<Long>> inOrder =
        Futures.asCompleted(List.of(slow, fast), Duration.ofMillis(500));

    assertThat(inOrder.next()).isSameAs(fast);
    assertThatThrownBy(inOrder::next)
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("1 of 2 futures still pending");
  }

  // --- asyncio.wait(aws, return_when=...) -------------------------------------------------------

  @Test
  void wait_firstCompleted_returnsOnceOneIsDone() throws Exception {
    TaskFuture<Long> slow = keep(client.submit(TaskTypes.SLEEP, FOREVER));
    TaskFuture<Long> fast = client.submit(TaskTypes.SLEEP, 1L);

    DoneAndPending<TaskFuture<Long>> r =
        Futures.wait(List.of(slow, fast), ReturnWhen.FIRST_COMPLETED, WAIT);

    assertThat(r.done()).containsExactly(fast);
    assertThat(r.pending()).containsExactly(slow);
  }

  @Test
  void wait_firstException_returnsOnTheFailureWithTheRestPending() throws Exception {
    TaskFuture<?> slow = keep(client.submit(TaskTypes.SLEEP, FOREVER));
    TaskFuture<?> bad = client.submit(TaskTypes.FAIL, "boom");

    DoneAndPending<TaskFuture<?>> r =
        Futures.wait(List.of(slow, bad), ReturnWhen.FIRST_EXCEPTION, WAIT);

    assertThat(r.done()).containsExactly(bad);
    assertThat(r.pending()).containsExactly(slow);
  }

  @Test
  void wait_allCompleted_everyFutureDone() throws Exception {
    List<TaskFuture<String>> fs = client.map(TaskTypes.ECHO, List.of("a", "b", "c"));

    DoneAndPending<TaskFuture<String>> r = Futures.wait(fs, ReturnWhen.ALL_COMPLETED, WAIT);

    assertThat(r.done()).hasSize(3);
    assertThat(r.pending()).isEmpty();
  }

  // --- asyncio.wait_for(aw, timeout) ------------------------------------------------------------

  @Test
  void waitFor_tooSlow_timeoutAndRemoteTaskCancelled() {
    TaskFuture<Long> slow = client.submit(TaskTypes.SLEEP, FOREVER);

    assertThatThrownBy(() -> Futures.waitFor(slow, Duration.ofMillis(300)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("cancelled it");

    await().atMost(WAIT).until(() -> "CANCELLED".equals(outcome(slow.taskId())));
  }

  // --- Task.cancel() ----------------------------------------------------------------------------

  @Test
  void cancel_runningTask_stoppedWhileRunningAndCancelledError() throws Exception {
    TaskFuture<Long> slow = client.submit(TaskTypes.SLEEP, FOREVER);
    await().atMost(WAIT).until(() -> state(slow.taskId()) == TaskState.RUNNING);

    // tag::cancel[]
    CancelOutcome what = slow.cancelAsync(false).get(60, TimeUnit.SECONDS);
    // end::cancel[]

    assertThat(what).isEqualTo(CancelOutcome.STOPPED_WHILE_RUNNING);
    // As CancelledError: get() throws the cancellation itself, not an ExecutionException.
    assertThatThrownBy(() -> slow.get(60, TimeUnit.SECONDS))
        .isInstanceOf(TaskCancelledException.class);
    assertThat(slow.cancelAsync(false).get(60, TimeUnit.SECONDS))
        .isEqualTo(CancelOutcome.ALREADY_FINISHED);
  }

  // --- asyncio.TaskGroup ------------------------------------------------------------------------

  @Test
  void taskGroup_allSucceed_closeReturnsAndValuesAreThere() {
    // tag::taskGroup[]
    List<TaskFuture<BigInteger>> sums;
    try (TaskGroup group = client.newGroup()) {
      sums = group.map(TaskTypes.SUM_SQUARES, List.of(3L, 4L));
    } // every task has ended here, or TaskGroupException lists every failure
    // end::taskGroup[]
    assertThat(sums)
        .allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(v -> v.signum() > 0));
  }

  @Test
  void taskGroupRun_bodyThrows_childrenCancelledAtOnce_exceptionListsTheBodysError() {
    List<TaskFuture<Long>> started = new ArrayList<>();
    // tag::taskGroupRun[]
    try {
      client
          .newGroup()
          .run(
              group -> {
                started.add(group.submit(TaskTypes.SLEEP, FOREVER));
                throw new IllegalStateException("the body failed");
              });
    } catch (TaskGroupException e) {
      // e.failures(): [IllegalStateException: the body failed]; the sleep is already cancelled
    }
    // end::taskGroupRun[]
    assertThat(started.get(0)).failsWithin(WAIT);
    assertThat(started.get(0).isCancelled()).isTrue();
    await().atMost(WAIT).until(() -> "CANCELLED".equals(outcome(started.get(0).taskId())));
  }

  // --- asyncio.Semaphore ------------------------------------------------------------------------

  @Test
  void semaphore_typeLimitTwo_thirdWaitsQueuedWhileOtherTypesRun() throws Exception {
    List<TaskFuture<String>> blockers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      blockers.add(keep(client.submit(BLOCKING, FOREVER)));
    }
    await().atMost(WAIT).until(() -> running(blockers) == 2);

    // Another type is not held up by the limited one.
    assertThat(client.submit(TaskTypes.ECHO, "not blocked")).succeedsWithin(WAIT);
    TaskFuture<String> waiting =
        blockers.stream()
            .filter(f -> state(f.taskId()) == TaskState.QUEUED)
            .findFirst()
            .orElseThrow();

    // Releasing one permit lets the waiting one start.
    TaskFuture<String> runningOne =
        blockers.stream().filter(f -> f != waiting).findFirst().orElseThrow();
    assertThat(runningOne.cancelAsync(false).get(60, TimeUnit.SECONDS))
        .isEqualTo(CancelOutcome.STOPPED_WHILE_RUNNING);
    await().atMost(WAIT).until(() -> state(waiting.taskId()) == TaskState.RUNNING);
  }

  // --- asyncio.to_thread(blocking_fn) -----------------------------------------------------------

  @Test
  void toThread_blockingHandler_runsOnTheWorkersBlockingPool() {
    TaskFuture<String> thread = client.submit(BLOCKING, 20L);

    assertThat(thread).succeedsWithin(WAIT).asString().startsWith("taskgrid-worker-blocking-");
  }

  // --- timeouts: asyncio.timeout() / wait_for on the cluster side
  // ---------------------------------

  @Test
  void timeouts_runTimeoutAndDeadline_timedOutEnforcedByTheCluster() {
    // tag::timeouts[]
    TaskFuture<Long> runTimeout =
        client.submit(
            TaskTypes.SLEEP,
            FOREVER,
            TaskOptions.newBuilder().timeout(Duration.ofMillis(300)).build());
    TaskFuture<Long> deadline =
        client.submit(
            TaskTypes.SLEEP,
            FOREVER,
            TaskOptions.newBuilder().deadlineIn(Duration.ofMillis(300)).build());
    // end::timeouts[]

    for (TaskFuture<Long> f : List.of(runTimeout, deadline)) {
      assertThat(f)
          .failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(TaskTimedOutException.class);
    }
  }

  // --- retries (tenacity / Celery autoretry, done by the coordinator)
  // -----------------------------

  @Test
  void retries_flakyHandler_succeedsOnThirdAttemptAfterBackoff() {
    // tag::retries[]
    RetryPolicy retry =
        RetryPolicy.newBuilder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(50))
            .maxBackoff(Duration.ofMillis(200))
            .build();

    TaskFuture<Long> f = client.submit(FLAKY, 3L, TaskOptions.newBuilder().retry(retry).build());
    // end::retries[]

    assertThat(f).succeedsWithin(WAIT).isEqualTo(3L);
    assertThat(f.resultInfo()).map(TaskResultInfo::attempt).contains(3);
  }

  @Test
  void retries_nonRetryableErrorType_failsOnFirstAttempt() {
    RetryPolicy retry =
        RetryPolicy.newBuilder()
            .maxAttempts(5)
            .nonRetryableErrorTypes(List.of("java.lang.IllegalStateException"))
            .build();

    TaskFuture<Long> f = client.submit(FLAKY, 3L, TaskOptions.newBuilder().retry(retry).build());

    assertThat(f)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(TaskFailedException.class);
    assertThat(f.resultInfo()).map(TaskResultInfo::attempt).contains(1);
  }

  // --- progress (tqdm-style reporting from the task) --------------------------------------------

  @Test
  void progress_handlerReportsHalfWay_futureSeesTheEvent() {
    List<Progress> seen = new CopyOnWriteArrayList<>();
    TaskFuture<Long> f = keep(client.submit(HALF_WAY, FOREVER)).onProgress(seen::add);

    await().atMost(WAIT).until(() -> !seen.isEmpty());

    assertThat(seen.get(0)).isEqualTo(new Progress(0.5, "half way", 1));
    assertThat(f).isNotDone();
  }

  private static @Nullable TaskState state(String taskId) {
    return client.getTask(taskId).map(TaskStatus::state).orElse(null);
  }

  private static long running(List<? extends TaskFuture<?>> fs) {
    return fs.stream().filter(f -> state(f.taskId()) == TaskState.RUNNING).count();
  }

  private static @Nullable String outcome(String taskId) {
    return client
        .getTask(taskId)
        .flatMap(TaskStatus::result)
        .map(TaskResultInfo::outcome)
        .orElse(null);
  }
}

package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.taskgrid.client.Codecs;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkerIoTest {
  private WorkerHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new WorkerHarness(WorkerOptions.newBuilder().cpuProcesses(0).ioCapacity(2_000));
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    assertThat(harness.coordinator.violations).isEmpty();
  }

  @Test
  void start_connected_helloAnnouncesIoPoolWithBuiltInHandlers() {
    PoolSpec io = harness.coordinator.hellos.get(0).getPools(0);
    assertThat(harness.coordinator.hellos.get(0).getWorkerId()).isEqualTo(harness.worker.id());
    assertThat(io.getPool()).isEqualTo(Pool.IO);
    assertThat(io.getCapacity()).isEqualTo(2_000);
    assertThat(io.getHandlersList()).contains("noop", "echo", "sleep", "http.get");
    assertThat(harness.coordinator.hellos.get(0).getPoolsList()).hasSize(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 2_000);
  }

  /**
   * A result sent just before its stream failed may not have been stored where it went (a
   * coordinator fenced off as it arrived): the worker sends it again on the next stream, so the
   * lease ends wherever it is held now. The copy is harmless where the task has ended (fenced by
   * attempt).
   */
  @Test
  void streamFailing_resultsSentOnItLately_areSentAgain() {
    harness.coordinator.submit("r1", "echo", Pool.IO, "x");
    harness.awaitResult("r1");
    assertThat(sentTimes("r1")).isEqualTo(1);

    harness.coordinator.breakStream();

    await().atMost(Duration.ofSeconds(5)).until(() -> sentTimes("r1") == 2);
    TaskResult again =
        harness.coordinator.allResults.get(harness.coordinator.allResults.size() - 1);
    assertThat(again.getTaskId()).isEqualTo("r1");
    assertThat(again.getAttempt()).isEqualTo(1);
  }

  private long sentTimes(String id) {
    return harness.coordinator.allResults.stream().filter(r -> r.getTaskId().equals(id)).count();
  }

  @Test
  void echo_anyBytes_returnsSameBytesAndContentType() {
    byte[] data = {1, 2, 3, (byte) 0xff};
    harness.coordinator.submit("e1", "echo", Pool.IO, data, "application/x-custom", 0);

    TaskResult result = harness.awaitResult("e1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.getOutput().getData().toByteArray()).containsExactly(data);
    assertThat(result.getOutput().getContentType()).isEqualTo("application/x-custom");
    assertThat(result.getAttempt()).isEqualTo(1);
    assertThat(result.getWorkerId()).isEqualTo(harness.worker.id());
  }

  @Test
  void noop_anyInput_returnsEmptyOctetStream() {
    harness.coordinator.submit("n1", "noop", Pool.IO, "ignored");

    TaskResult result = harness.awaitResult("n1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.getOutput().getData().isEmpty()).isTrue();
    assertThat(result.getOutput().getContentType()).isEqualTo(Codecs.OCTET_STREAM);
  }

  @Test
  void sleep_thousandTasks_allSucceedWithTheirMillis() {
    IntStream.range(0, 1_000)
        .forEach(i -> harness.coordinator.submit("s" + i, "sleep", Pool.IO, "200"));

    await().atMost(Duration.ofSeconds(20)).until(() -> harness.coordinator.results.size() == 1_000);

    assertThat(harness.coordinator.results.values())
        .allSatisfy(
            r -> {
              assertThat(r.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
              assertThat(r.getOutput().getData().toStringUtf8()).isEqualTo("200");
              assertThat(r.getOutput().getContentType()).isEqualTo(Codecs.DECIMAL);
            });
    // Results are batched: far fewer messages than results.
    assertThat(harness.coordinator.resultMessages.get()).isLessThan(1_000);
  }

  @Test
  void sleep_longerThanTimeout_timedOut() {
    harness.coordinator.submit(
        "t1", "sleep", Pool.IO, "60000".getBytes(StandardCharsets.US_ASCII), Codecs.DECIMAL, 100);

    TaskResult result = harness.awaitResult("t1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.TIMED_OUT);
    // The slot came back: the coordinator holds the full capacity again.
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 2_000);
  }

  @Test
  void cancel_runningSleep_reportsCancelledAndFreesSlot() {
    harness.coordinator.submit("c1", "sleep", Pool.IO, "60000");
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 1_999);

    harness.coordinator.cancel("c1", Outcome.CANCELLED, false);

    assertThat(harness.awaitResult("c1").getOutcome()).isEqualTo(Outcome.CANCELLED);
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 2_000);
  }

  @Test
  void cancel_withTimedOutOutcome_reportsTimedOut() {
    harness.coordinator.submit("c2", "sleep", Pool.IO, "60000");
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 1_999);

    harness.coordinator.cancel("c2", Outcome.TIMED_OUT, false);

    assertThat(harness.awaitResult("c2").getOutcome()).isEqualTo(Outcome.TIMED_OUT);
  }

  /**
   * A coordinator that adopted a task from a record lagging behind its old owner's lease leases it
   * again under the same attempt while this worker still runs it (PausedCoordinatorIT once ended a
   * task CANCELLED this way: the worker stopped the run under way for the "new" one and reported
   * CANCELLED under the attempt the coordinators held).
   */
  @Test
  void sameAttemptAssignedAgain_whileRunning_runUnderWayAnswersAndNoCancelledIsReported() {
    harness.coordinator.submitAttempt("d1", "sleep", "60000", 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 1_999);

    harness.coordinator.submitAttempt("d1", "sleep", "60000", 1);
    // Ends the run; its report comes after anything the repeated assignment caused.
    harness.coordinator.cancel("d1", Outcome.TIMED_OUT, false);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reported("d1").stream().anyMatch(r -> r.getOutcome() == Outcome.TIMED_OUT));
    assertThat(reported("d1"))
        .extracting(TaskResult::getOutcome, TaskResult::getAttempt)
        .containsExactly(tuple(Outcome.TIMED_OUT, 1));
    // The repeated assignment's credit came back too.
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 2_000);
  }

  /** A newer attempt replaces the run under way; the older one's stop is nobody's outcome. */
  @Test
  void newerAttemptAssigned_whileOlderRuns_olderStopsWithoutAReport() {
    harness.coordinator.submitAttempt("d2", "sleep", "60000", 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 1_999);

    harness.coordinator.submitAttempt("d2", "sleep", "60000", 2);
    harness.coordinator.cancel("d2", Outcome.TIMED_OUT, false);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reported("d2").stream().anyMatch(r -> r.getOutcome() == Outcome.TIMED_OUT));
    assertThat(reported("d2"))
        .extracting(TaskResult::getOutcome, TaskResult::getAttempt)
        .containsExactly(tuple(Outcome.TIMED_OUT, 2));
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 2_000);
  }

  private java.util.List<TaskResult> reported(String id) {
    return harness.coordinator.allResults.stream().filter(r -> r.getTaskId().equals(id)).toList();
  }

  @Test
  void assign_unknownType_rejectedAndSlotReturned() {
    harness.coordinator.submit("u1", "no.such.type", Pool.IO, "x");

    TaskResult result = harness.awaitResult("u1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.REJECTED);
    assertThat(result.getError().getType()).isEqualTo("UnknownTaskType");
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.coordinator.held(Pool.IO) == 2_000);
  }

  @Test
  void sleep_notANumber_failedWithIllegalArgument() {
    harness.coordinator.submit("b1", "sleep", Pool.IO, "soon");

    TaskResult result = harness.awaitResult("b1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.getError().getType()).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(result.getError().getMessage()).contains("soon");
    assertThat(result.getError().getRetryable()).isFalse();
  }

  @Test
  void blockingHandler_anyInput_runsOnBlockingPoolThread() {
    harness.coordinator.submit("th1", "test.thread-name", Pool.IO, "");

    TaskResult result = harness.awaitResult("th1");

    assertThat(result.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.getOutput().getData().toStringUtf8()).startsWith("taskgrid-worker-blocking-");
  }

  @Test
  void httpGet_localServer_returnsUrlStatusAndBodyAsJson() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hello",
        exchange -> {
          byte[] body = "hi there".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/missing",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    server.start();
    // Loopback is refused by default: this worker's operator allows the test server.
    restartAllowing("127.0.0.1:" + server.getAddress().getPort());
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      harness.coordinator.submit("h1", "http.get", Pool.IO, base + "/hello");
      harness.coordinator.submit("h2", "http.get", Pool.IO, base + "/missing");

      TaskResult ok = harness.awaitResult("h1");
      TaskResult missing = harness.awaitResult("h2");

      assertThat(ok.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(ok.getOutput().getContentType()).isEqualTo(Codecs.JSON);
      assertThat(ok.getOutput().getData().toStringUtf8())
          .isEqualTo("{\"url\":\"" + base + "/hello\",\"status\":200,\"body\":\"hi there\"}");
      assertThat(missing.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(missing.getOutput().getData().toStringUtf8()).contains("\"status\":404");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void httpGet_connectionRefused_failed() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    restartAllowing("127.0.0.1:" + port);
    harness.coordinator.submit("h3", "http.get", Pool.IO, "http://127.0.0.1:" + port + "/");

    TaskResult result = harness.awaitResult("h3");

    assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.getError().getType()).contains("ConnectException");
    // Issue 16: a neutral reason, the class apart, a message naming the peer, and retryable.
    assertThat(result.getError().getReason())
        .isEqualTo(io.taskgrid.proto.v1.ErrorReason.ERROR_REASON_CONNECTION_FAILED);
    assertThat(result.getError().getExceptionClass()).isEqualTo("java.net.ConnectException");
    assertThat(result.getError().getMessage())
        .contains("could not connect to 127.0.0.1:" + port)
        .doesNotContain("null");
    assertThat(result.getError().getRetryable()).isTrue();
  }

  @Test
  void credits_moreTasksThanCapacity_neverExceedCapacityAndAllComplete() throws Exception {
    harness.close();
    harness = new WorkerHarness(WorkerOptions.newBuilder().cpuProcesses(0).ioCapacity(20));

    IntStream.range(0, 300)
        .forEach(i -> harness.coordinator.submit("k" + i, "sleep", Pool.IO, "" + (i % 7)));

    await().atMost(Duration.ofSeconds(20)).until(() -> harness.coordinator.results.size() == 300);
    assertThat(harness.coordinator.violations).isEmpty();
    // The check above could not fail if the worker never used its whole capacity.
    assertThat(harness.coordinator.maxUsed(Pool.IO)).isEqualTo(20);
  }

  @Test
  void reconnect_streamFails_helloAgainAndTasksStillRun() {
    harness.coordinator.breakStream();

    await().atMost(Duration.ofSeconds(10)).until(() -> harness.coordinator.hellos.size() == 2);
    harness.coordinator.submit("r1", "echo", Pool.IO, "after");

    assertThat(harness.awaitResult("r1").getOutput().getData().toStringUtf8()).isEqualTo("after");
    assertThat(harness.coordinator.streams.get()).isEqualTo(2);
  }

  @Test
  void heartbeat_idleStream_sentPeriodically() throws Exception {
    harness.close();
    harness =
        new WorkerHarness(
            WorkerOptions.newBuilder().cpuProcesses(0).heartbeatInterval(Duration.ofMillis(50)));

    await().atMost(Duration.ofSeconds(10)).until(() -> harness.coordinator.heartbeats.get() >= 2);
  }

  private void restartAllowing(String rule) throws Exception {
    harness.close();
    harness =
        new WorkerHarness(
            WorkerOptions.newBuilder()
                .cpuProcesses(0)
                .ioCapacity(2_000)
                .httpAllow(java.util.List.of(rule)));
  }
}

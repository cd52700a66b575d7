package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.Codecs;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskRejectedException;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskType;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SDK → coordinator → worker → future in one JVM, over real Netty on 127.0.0.1 with ephemeral
 * ports, with the coordinator's Hazelcast member standalone. Covers the bad-input answers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InJvmClusterTest {
  private Coordinator coordinator;
  private Worker worker;
  private TaskgridClient client;

  @BeforeEach
  void startCoordinator() throws Exception {
    coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .clusterName("in-jvm-" + System.nanoTime())
                .build());
    client = TaskgridClient.connect(coordinator.target());
  }

  @AfterEach
  void stopAll() {
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

  private void startWorker() {
    worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(coordinator.target()))
                .cpuProcesses(1)
                .build());
  }

  @Test
  void submit_ioAndCpuTasks_resultsComeBack() {
    startWorker();
    TaskFuture<String> echo = client.submit(TaskTypes.ECHO, "hello");
    List<TaskFuture<Long>> sleeps = client.map(TaskTypes.SLEEP, List.of(10L, 20L, 30L));
    TaskFuture<java.math.BigInteger> sum = client.submit(TaskTypes.SUM_SQUARES, 10L);

    assertThat(echo).succeedsWithin(Duration.ofSeconds(30)).isEqualTo("hello");
    assertThat(sleeps).extracting(f -> f.join()).containsExactly(10L, 20L, 30L);
    assertThat(sum)
        .succeedsWithin(Duration.ofSeconds(60))
        .isEqualTo(java.math.BigInteger.valueOf(285));
  }

  @Test
  void submit_unknownTypeWithWorkerConnected_rejectedInvalidArgument() {
    startWorker();
    // Once a noop has run, the worker has announced its handlers.
    assertThat(client.submit(TaskTypes.NOOP, new byte[0])).succeedsWithin(Duration.ofSeconds(30));

    TaskFuture<String> unknown =
        client.submit(TaskType.of("no.such.type", Codecs.string(), Codecs.string()), "x");

    assertRejected(unknown, "INVALID_ARGUMENT", "no.such.type");
    // The coordinator keeps serving.
    assertThat(client.submit(TaskTypes.ECHO, "still here")).succeedsWithin(Duration.ofSeconds(30));
  }

  @Test
  void submit_payloadOverFourMebibytes_rejectedResourceExhausted() {
    startWorker();
    String big = "x".repeat(4 * 1024 * 1024 + 1);

    assertRejected(client.submit(TaskTypes.ECHO, big), "RESOURCE_EXHAUSTED", "payload");
    assertThat(client.submit(TaskTypes.ECHO, "small")).succeedsWithin(Duration.ofSeconds(30));
  }

  @Test
  void submit_malformedOrEmptyId_rejectedInvalidArgument() {
    startWorker();
    assertRejected(
        client.submit(TaskTypes.ECHO, "a", TaskOptions.newBuilder().id("has space").build()),
        "INVALID_ARGUMENT",
        "id");
    assertRejected(
        client.submit(TaskTypes.ECHO, "a", TaskOptions.newBuilder().id("x".repeat(200)).build()),
        "INVALID_ARGUMENT",
        "id");
  }

  @Test
  void submit_noWorkerConnected_waitsQueuedThenRunsWhenWorkerArrives() {
    TaskFuture<String> echo = client.submit(TaskTypes.ECHO, "patient");
    // The coordinator knows the task (it is stored) and holds it queued: no worker to run it.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.getTask(echo.taskId()).map(TaskStatus::state).orElse(null)
                    == TaskState.QUEUED);
    assertThat(echo).isNotDone();

    startWorker();

    assertThat(echo).succeedsWithin(Duration.ofSeconds(30)).isEqualTo("patient");
  }

  @Test
  void submit_sameIdTwiceOnOneClient_oneTaskBothFutures_differentSpecAlreadyExists() {
    // No worker yet, so the task stays pending while it is resubmitted.
    TaskOptions id = TaskOptions.newBuilder().id("in-jvm-idem-1").build();
    TaskFuture<String> first = client.submit(TaskTypes.ECHO, "once", id);
    TaskFuture<String> again = client.submit(TaskTypes.ECHO, "once", id);
    TaskFuture<String> different = client.submit(TaskTypes.ECHO, "other", id);

    assertRejected(different, "ALREADY_EXISTS", "already exists with a different spec");
    assertThat(client.pendingCount()).isEqualTo(1);
    startWorker();
    assertThat(first).succeedsWithin(Duration.ofSeconds(30)).isEqualTo("once");
    assertThat(again).succeedsWithin(Duration.ofSeconds(30)).isEqualTo("once");

    // Ended: a resubmit goes to the coordinator, which answers from the stored task.
    assertThat(client.submit(TaskTypes.ECHO, "once", id))
        .succeedsWithin(Duration.ofSeconds(30))
        .isEqualTo("once");
    assertRejected(
        client.submit(TaskTypes.ECHO, "other", id),
        "ALREADY_EXISTS",
        "already exists with a different spec");
    assertThat(client.getTask("in-jvm-idem-1").flatMap(TaskStatus::result).orElseThrow().attempt())
        .isEqualTo(1);
  }

  private static void assertRejected(TaskFuture<?> future, String code, String messagePart) {
    assertThat(future)
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            TaskRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).containsIgnoringCase(messagePart);
            });
  }
}

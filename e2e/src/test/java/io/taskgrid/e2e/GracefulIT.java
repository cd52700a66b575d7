package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful stops on real processes: SIGTERM to a worker drains it (no new work, what it holds
 * finishes, nothing runs twice); SIGTERM to one coordinator of two hands its tasks over (every task
 * still ends once with its value).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GracefulIT {
  static final int IO_CAPACITY = 20;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  @Test
  void sigtermWorker_midJob_drainsAndEveryTaskSucceedsOnItsFirstAttempt() throws Exception {
    try (TaskgridProcess coordinator = TaskgridProcess.startCoordinator(workDir);
        TaskgridProcess draining = startWorker("drain-" + System.nanoTime(), coordinator.target());
        TaskgridProcess staying = startWorker("stay-" + System.nanoTime(), coordinator.target());
        TaskgridClient client = TaskgridClient.connect(coordinator.target())) {
      coordinator.await(
          Duration.ofSeconds(60), "2 workers connected", () -> client.workers().size() == 2);
      String drainingId = workerId(draining);

      // GIVEN a job of sleep tasks running on both workers
      int tasks = 400;
      AtomicInteger done = new AtomicInteger();
      List<TaskFuture<Long>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        TaskFuture<Long> f = client.submit(TaskTypes.SLEEP, 200L + i % 7);
        f.whenComplete((v, e) -> done.incrementAndGet());
        futures.add(f);
      }
      coordinator.await(Duration.ofSeconds(60), "a fifth of the job", () -> done.get() > 80);

      // WHEN the worker gets SIGTERM
      Instant term = Instant.now();
      draining.process().destroy();

      // THEN it drains and exits on its own, and every task succeeds on its first attempt
      assertThat(draining.process().waitFor(60, TimeUnit.SECONDS))
          .as("the drained worker exited")
          .isTrue();
      assertThat(Files.readString(logOf(draining), StandardCharsets.UTF_8))
          .as(draining.logTail())
          .contains("drained: no task running");
      int startedOnDrainingAfterTerm = 0;
      int ranOnDraining = 0;
      for (int i = 0; i < tasks; i++) {
        TaskFuture<Long> f = futures.get(i);
        assertThat(f.get(90, TimeUnit.SECONDS)).isEqualTo(200L + i % 7);
        TaskResultInfo info = f.resultInfo().orElseThrow();
        assertThat(info.outcome()).isEqualTo("SUCCEEDED");
        assertThat(info.attempt()).as("attempt of " + f.taskId()).isEqualTo(1);
        if (info.workerId().equals(drainingId)) {
          ranOnDraining++;
          if (info.startedAt().orElseThrow().isAfter(term)) {
            startedOnDrainingAfterTerm++;
          }
        }
      }
      assertThat(ranOnDraining).as("tasks the drained worker ran").isPositive();
      // No new credits after SIGTERM: at most the credits it had already granted get used.
      assertThat(startedOnDrainingAfterTerm)
          .as("tasks started on the draining worker after SIGTERM")
          .isLessThanOrEqualTo(IO_CAPACITY);
      System.out.printf(
          "GRACEFUL worker SIGTERM: tasks=%d ran-on-drained-worker=%d started-there-after-term=%d"
              + " re-executed=0%n",
          tasks, ranOnDraining, startedOnDrainingAfterTerm);
    }
  }

  @Test
  void sigtermWorkerWithIdleCredits_newTasksGoOnlyToTheOtherWorker() throws Exception {
    try (TaskgridProcess coordinator = TaskgridProcess.startCoordinator(workDir);
        TaskgridProcess draining = startWorker("idle-" + System.nanoTime(), coordinator.target());
        TaskgridProcess staying = startWorker("busy-" + System.nanoTime(), coordinator.target());
        TaskgridClient client = TaskgridClient.connect(coordinator.target())) {
      coordinator.await(
          Duration.ofSeconds(60), "2 workers connected", () -> client.workers().size() == 2);
      String drainingId = workerId(draining);

      // GIVEN long tasks on both workers, and the coordinator holding most of their credits unused
      List<TaskFuture<Long>> held =
          client.map(TaskTypes.SLEEP, List.of(4_000L, 4_000L, 4_000L, 4_000L));
      coordinator.await(
          Duration.ofSeconds(60),
          "the draining worker running a task",
          () -> usedSlots(client, drainingId) > 0);

      // WHEN it gets SIGTERM, and the coordinator has heard it is draining
      draining.process().destroy();
      coordinator.await(
          Duration.ofSeconds(30),
          "the worker's Drain",
          () ->
              Files.readString(logOf(coordinator), StandardCharsets.UTF_8)
                  .contains("Worker " + drainingId + " is draining"));
      List<Long> values = new ArrayList<>();
      for (long i = 0; i < 100; i++) {
        values.add(i);
      }
      List<TaskFuture<Long>> fresh = client.map(TaskTypes.SLEEP, values);

      // THEN the credits it had granted are void: no new task runs there, its own tasks finish
      for (TaskFuture<Long> f : fresh) {
        f.get(90, TimeUnit.SECONDS);
        assertThat(f.resultInfo().orElseThrow().workerId()).isNotEqualTo(drainingId);
      }
      for (TaskFuture<Long> f : held) {
        assertThat(f.get(90, TimeUnit.SECONDS)).isEqualTo(4_000L);
        assertThat(f.resultInfo().orElseThrow().attempt())
            .as(() -> f.taskId() + "\n" + draining.logTail() + "\n" + coordinator.logTail())
            .isEqualTo(1);
      }
      assertThat(draining.process().waitFor(60, TimeUnit.SECONDS))
          .as("the drained worker exited")
          .isTrue();
    }
  }

  private static int usedSlots(TaskgridClient client, String workerId) {
    return client.workers().stream()
        .filter(w -> w.workerId().equals(workerId))
        .flatMap(w -> w.pools().stream())
        .mapToInt(io.taskgrid.client.WorkerInfo.PoolInfo::used)
        .sum();
  }

  @Test
  void sigtermCoordinator_midJob_tasksHandedOverAndEveryTaskEndsOnce() throws Exception {
    int[] hzPorts = {InJvmCluster.freePort(), InJvmCluster.freePort()};
    List<String> members = List.of("127.0.0.1:" + hzPorts[0], "127.0.0.1:" + hzPorts[1]);
    String cluster = "graceful-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    List<TaskgridProcess> processes = new ArrayList<>();
    try {
      List<TaskgridProcess> coordinators = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        TaskgridProcess c =
            TaskgridProcess.startClusterCoordinator(
                workDir,
                "coordinator-" + i,
                hzPorts[i],
                members,
                cluster,
                "--lease-timeout-ms",
                "3000",
                "--member-timeout-ms",
                "5000");
        processes.add(c);
        coordinators.add(c);
      }
      List<String> targets = new ArrayList<>();
      for (TaskgridProcess c : coordinators) {
        c.awaitCoordinator(Duration.ofSeconds(90));
        targets.add(c.target());
      }
      for (int i = 0; i < 2; i++) {
        processes.add(startWorker("w" + i + "-" + System.nanoTime(), String.join(",", targets)));
      }
      try (TaskgridClient client =
          TaskgridClient.connect(ClientOptions.newBuilder().targets(targets).build())) {
        coordinators
            .get(1)
            .await(
                Duration.ofSeconds(60), "2 workers connected", () -> client.workers().size() == 2);

        // GIVEN a job accepted by coordinator 0 (the client's first target, the oldest member)
        int tasks = 3_000;
        String prefix = "g" + System.nanoTime() + "-";
        AtomicInteger done = new AtomicInteger();
        List<TaskFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
          TaskFuture<?> f = submit(client, prefix, i);
          f.whenComplete((v, e) -> done.incrementAndGet());
          futures.add(f);
        }
        coordinators
            .get(1)
            .await(Duration.ofSeconds(60), "a fifth of the job", () -> done.get() > tasks / 5);

        // WHEN coordinator 0 gets SIGTERM
        TaskgridProcess leaving = coordinators.get(0);
        leaving.process().destroy();
        assertThat(leaving.process().waitFor(60, TimeUnit.SECONDS))
            .as("the coordinator stopped on its own")
            .isTrue();
        assertThat(Files.readString(logOf(leaving), StandardCharsets.UTF_8))
            .as(leaving.logTail())
            .contains("stopped");

        // THEN every task ends once, with its value, and the stored outcome is the one seen
        int reExecuted = 0;
        for (int i = 0; i < tasks; i++) {
          TaskFuture<?> f = futures.get(i);
          assertThat(f.get(120, TimeUnit.SECONDS)).as(f.taskId()).isEqualTo(expected(i));
          TaskResultInfo seen = f.resultInfo().orElseThrow();
          assertThat(seen.outcome()).isEqualTo("SUCCEEDED");
          if (seen.attempt() > 1) {
            reExecuted++;
          }
          if (seen.attempt() > 1 || i % 10 == 0) {
            TaskResultInfo stored =
                client.getTask(f.taskId()).flatMap(TaskStatus::result).orElseThrow();
            assertThat(stored.attempt())
                .as("stored attempt of " + f.taskId())
                .isEqualTo(seen.attempt());
            assertThat(stored.outcome()).isEqualTo(seen.outcome());
          }
        }
        System.out.printf(
            "GRACEFUL coordinator SIGTERM: submitted=%d succeeded=%d re-executed=%d lost=0%n",
            tasks, tasks, reExecuted);
      }
    } finally {
      processes.forEach(TaskgridProcess::close);
    }
  }

  private TaskgridProcess startWorker(String id, String coordinators) throws IOException {
    return TaskgridProcess.start(
        "worker-" + id,
        workDir,
        "worker",
        "--id",
        id,
        "--coordinator",
        coordinators,
        "--cpu-processes",
        "1",
        "--io-capacity",
        Integer.toString(IO_CAPACITY),
        "--heartbeat-ms",
        "500");
  }

  private static String workerId(TaskgridProcess worker) {
    String name = worker.name();
    return name.substring("worker-".length());
  }

  private Path logOf(TaskgridProcess p) {
    return workDir.resolve(p.name() + ".log");
  }

  private static TaskFuture<?> submit(TaskgridClient client, String prefix, int i) {
    TaskOptions id = TaskOptions.newBuilder().id(prefix + i).build();
    return switch (i % 3) {
      case 0 -> client.submit(TaskTypes.ECHO, "v" + i, id);
      case 1 -> client.submit(TaskTypes.SLEEP, 20L + i % 50, id);
      default -> client.submit(TaskTypes.SUM_SQUARES, 1L + i % 100, id);
    };
  }

  private static Object expected(int i) {
    return switch (i % 3) {
      case 0 -> "v" + i;
      case 1 -> 20L + i % 50;
      default -> {
        long n = 1L + i % 100;
        yield java.math.BigInteger.valueOf((n - 1) * n * (2 * n - 1) / 6);
      }
    };
  }
}

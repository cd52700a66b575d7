package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade procedure of docs/STORE-BATCHES.md ("Store formats and upgrades") with real
 * processes. A cluster of two coordinators runs store format 3, as the release before format 4
 * forms it, and serves a steady stream of tasks while a coordinator of this release joins:
 *
 * <ol>
 *   <li>started as it is by default (format 4), it refuses to join: exit 1, one line that names
 *       {@code --store-format 3}, no stack trace, and the cluster goes on serving;
 *   <li>started with {@code --store-format 3}, it joins and the worker connects to it;
 *   <li>the first coordinator stops (SIGTERM), as the next step of a rolling upgrade.
 * </ol>
 *
 * <p>Nothing submitted may be lost or end with a wrong value, and the joined coordinator answers
 * for tasks the others accepted. One binary plays both releases: what differs between them on the
 * wire is the store format, which this test sets.
 */
// Four coordinator and one worker JVM start-ups: about 2 min on a loaded 2-core machine.
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StoreFormatUpgradeIT {
  static final int TASKS = 1_500;

  /** The tasks go out over this long, so that they are in flight during every step. */
  static final Duration SPREAD = Duration.ofSeconds(15);

  /** Deleted when every test passed; kept (with the processes' logs) when one failed. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private final List<TaskgridProcess> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(TaskgridProcess::close);
  }

  @Test
  void formatThreeCluster_newCoordinatorRefusedByDefault_joinsWithItsFormat_nothingLost()
      throws Exception {
    int[] hzPorts = {InJvmCluster.freePort(), InJvmCluster.freePort(), InJvmCluster.freePort()};
    int[] grpcPorts = {InJvmCluster.freePort(), InJvmCluster.freePort(), InJvmCluster.freePort()};
    List<String> members = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add("127.0.0.1:" + hzPorts[i]);
      targets.add("127.0.0.1:" + grpcPorts[i]);
    }
    String cluster = "format-upgrade-" + ProcessHandle.current().pid();
    List<TaskgridProcess> old = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      old.add(
          start(
              TaskgridProcess.startClusterCoordinator(
                  workDir,
                  "coordinator-" + i,
                  grpcPorts[i],
                  hzPorts[i],
                  members,
                  cluster,
                  "--store-format",
                  "3")));
    }
    for (TaskgridProcess c : old) {
      c.awaitCoordinator(Duration.ofSeconds(90));
    }
    start(
        TaskgridProcess.start(
            "worker",
            workDir,
            "worker",
            "--coordinator",
            String.join(",", targets),
            "--cpu-processes",
            "1",
            "--io-capacity",
            "2000"));
    for (int i = 0; i < 2; i++) {
      awaitWorker(old.get(i), targets.get(i));
    }

    String prefix = "u" + System.nanoTime() + "-";
    List<TaskFuture<?>> futures = new ArrayList<>(TASKS);
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try (TaskgridClient client =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(targets.subList(0, 2)).build())) {
      int perBatch = (int) (TASKS / (SPREAD.toMillis() / 100));
      ScheduledFuture<?> submitter =
          pacer.scheduleAtFixedRate(
              () -> {
                synchronized (futures) {
                  for (int k = 0; k < perBatch && futures.size() < TASKS; k++) {
                    futures.add(submit(client, prefix, futures.size()));
                  }
                }
              },
              0,
              100,
              TimeUnit.MILLISECONDS);

      // 1. This release's default format: refused, and the cluster is left as it was.
      TaskgridProcess refused =
          start(
              TaskgridProcess.startClusterCoordinator(
                  workDir, "coordinator-2-default", grpcPorts[2], hzPorts[2], members, cluster));
      assertThat(refused.process().waitFor(90, TimeUnit.SECONDS))
          .as("a format-4 coordinator joining a format-3 cluster exits\n" + refused.logTail())
          .isTrue();
      assertThat(refused.process().exitValue()).as(refused.logTail()).isEqualTo(1);
      assertThat(refused.log())
          .contains("this coordinator runs store format 4")
          .contains("runs store format 3:")
          .contains("start this coordinator with --store-format 3")
          .doesNotContain("\tat ");

      // 2. With the cluster's format: it joins, and the worker finds it.
      TaskgridProcess joined =
          start(
              TaskgridProcess.startClusterCoordinator(
                  workDir,
                  "coordinator-2",
                  grpcPorts[2],
                  hzPorts[2],
                  members,
                  cluster,
                  "--store-format",
                  "3"));
      joined.awaitCoordinator(Duration.ofSeconds(90));
      awaitWorker(joined, targets.get(2));

      // 3. The next step of a rolling upgrade: the first old coordinator stops.
      TaskgridProcess first = old.get(0);
      first.signal("TERM");
      assertThat(first.process().waitFor(60, TimeUnit.SECONDS))
          .as(first.name() + " stopped after SIGTERM")
          .isTrue();
      assertThat(first.process().exitValue()).as(first.logTail()).isZero();

      await().atMost(SPREAD.plusSeconds(60)).until(() -> submitted(futures) >= TASKS);
      submitter.cancel(false);
      List<TaskFuture<?>> all;
      synchronized (futures) {
        all = List.copyOf(futures);
      }
      List<String> lost = new ArrayList<>();
      List<String> wrong = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      for (int i = 0; i < all.size(); i++) {
        check(all.get(i), expected(i), deadline, lost, wrong);
      }
      System.out.printf(
          "FORMAT-UPGRADE tasks=%d lost=%d wrong=%d%n", all.size(), lost.size(), wrong.size());
      assertThat(all).hasSize(TASKS);
      assertThat(lost).as("lost tasks").isEmpty();
      assertThat(wrong).as("tasks with a wrong value").isEmpty();

      // The joined coordinator answers for a task the first one accepted before it joined.
      try (TaskgridClient viaJoined =
          TaskgridClient.connect(
              ClientOptions.newBuilder().targets(List.of(targets.get(2))).build())) {
        assertThat(viaJoined.getTask(all.get(0).taskId()).map(TaskStatus::state))
            .contains(TaskState.DONE);
      }
    } finally {
      pacer.shutdownNow();
    }
  }

  private TaskgridProcess start(TaskgridProcess p) {
    processes.add(p);
    return p;
  }

  private static int submitted(List<TaskFuture<?>> futures) {
    synchronized (futures) {
      return futures.size();
    }
  }

  /** Waits until the worker is connected to the coordinator at {@code target}. */
  private static void awaitWorker(TaskgridProcess coordinator, String target) {
    try (TaskgridClient only =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(List.of(target)).build())) {
      coordinator.await(
          Duration.ofSeconds(60), "the worker connected", () -> only.workers().size() == 1);
    }
  }

  private static TaskFuture<?> submit(TaskgridClient client, String prefix, int i) {
    TaskOptions id = TaskOptions.newBuilder().id(prefix + i).build();
    return i % 2 == 0
        ? client.submit(TaskTypes.ECHO, "v" + i, id)
        : client.submit(TaskTypes.SLEEP, sleepMillis(i), id);
  }

  private static Object expected(int i) {
    return i % 2 == 0 ? "v" + i : sleepMillis(i);
  }

  /** 100–899 ms: in flight on the worker whenever a coordinator stops. */
  private static long sleepMillis(int i) {
    return 100L + (i * 37L) % 800L;
  }

  private static void check(
      TaskFuture<?> f, Object expected, long deadline, List<String> lost, List<String> wrong)
      throws InterruptedException {
    try {
      Object value = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (!value.equals(expected)) {
        wrong.add(f.taskId() + " = " + value);
      }
    } catch (ExecutionException e) {
      lost.add(f.taskId() + ": " + e.getCause());
    } catch (TimeoutException e) {
      lost.add(f.taskId() + ": no outcome in time");
    }
  }
}

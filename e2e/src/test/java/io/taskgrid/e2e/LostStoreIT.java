package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store loses accepted tasks while a client waits for them: two of three coordinators killed at
 * once (beyond the one backup), then a full-cluster restart. The client still holds every spec and
 * resubmits the lost ones under the same ids, so every task it submitted ends SUCCEEDED; the
 * surviving coordinator counts the lost partitions. The survivor of the two kills is in a minority
 * at first (it cannot tell dead members from a split) and serves again once no other cluster was
 * found within the quorum grace (see MinorityWatch). Each coordinator restarted after the kills has
 * both workers back within {@link #WORKERS_BACK_WITHIN} of serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LostStoreIT {
  static final int TASKS = 1_000;

  /** A coordinator restarted after a kill has both workers back within this (printed). */
  static final Duration WORKERS_BACK_WITHIN = Duration.ofSeconds(3);

  /** Deleted when every test passed; kept (with the processes' logs) when one failed. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path workDir;

  private ProcessCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = ProcessCluster.start(workDir, "lost", List.of("--member-timeout-ms", "5000"));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void killTwoOfThreeCoordinatorsAtOnce_clientWaits_everyTaskSucceeds() throws Exception {
    try (TaskgridClient client = cluster.client()) {
      List<TaskFuture<Long>> futures = submit(client, "kill2");
      awaitAllAccepted(client, futures);

      // Coordinators 0 (the client's, owner of every task) and 1 die together: the partitions
      // whose owner and backup were on them are gone.
      cluster.coordinator(0).process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      cluster.coordinator(1).process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

      assertEverySucceeded("kill -9 of 2 of 3 coordinators", futures, client);
      long lost = (long) cluster.metric(2, "taskgrid_store_partitions_lost_total");
      System.out.printf("LOST-STORE kill2 partitions-lost-counted=%d%n", lost);
      assertThat(lost).as("lost partitions counted by the survivor").isPositive();
    }
    for (int i = 0; i < 2; i++) {
      assertWorkersBack(i, cluster.restart(i));
    }
  }

  private static void assertWorkersBack(int i, Duration took) {
    System.out.printf(
        "LOST-STORE coordinator-%d restarted: both workers back %d ms after it served%n",
        i, took.toMillis());
    assertThat(took)
        .as("both workers back at restarted coordinator " + i)
        .isLessThanOrEqualTo(WORKERS_BACK_WITHIN);
  }

  @Test
  @Order(2)
  void fullClusterRestart_clientWaits_everyTaskSucceeds() throws Exception {
    try (TaskgridClient client = cluster.client()) {
      List<TaskFuture<Long>> futures = submit(client, "restart");
      awaitAllAccepted(client, futures);

      for (TaskgridProcess c : cluster.coordinators()) {
        c.process().destroyForcibly();
      }
      for (TaskgridProcess c : cluster.coordinators()) {
        c.process().waitFor(30, TimeUnit.SECONDS);
      }
      cluster.restartAll();

      assertEverySucceeded("full-cluster restart", futures, client);
    }
  }

  /** Sleeps of 3–6 s: still running or queued when the coordinators die. */
  private static List<TaskFuture<Long>> submit(TaskgridClient client, String prefix) {
    String p = prefix + "-" + System.nanoTime() + "-";
    List<TaskFuture<Long>> futures = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      futures.add(
          client.submit(
              TaskTypes.SLEEP, sleepMillis(i), TaskOptions.newBuilder().id(p + i).build()));
    }
    return futures;
  }

  private static long sleepMillis(int i) {
    return 3_000L + (i * 7L) % 3_000L;
  }

  private static String storedView(TaskgridClient client, TaskFuture<Long> f) {
    try {
      return client.getTask(f.taskId()).map(Object::toString).orElse("no record");
    } catch (RuntimeException e) {
      return "no answer (" + e + ")";
    }
  }

  /** Every task is stored (acked) before the fault: losing it is the store's doing. */
  private void awaitAllAccepted(TaskgridClient client, List<TaskFuture<Long>> futures) {
    TaskFuture<Long> last = futures.get(futures.size() - 1);
    cluster
        .coordinator(2)
        .await(
            Duration.ofSeconds(60),
            "the last task stored",
            () -> client.getTask(last.taskId()).isPresent());
  }

  private static void assertEverySucceeded(
      String fault, List<TaskFuture<Long>> futures, TaskgridClient client)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    int succeeded = 0;
    int reRun = 0;
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      TaskFuture<Long> f = futures.get(i);
      try {
        Long v = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (v == sleepMillis(i)) {
          succeeded++;
        } else if (failed.size() < 20) {
          failed.add(f.taskId() + " = " + v);
        }
        if (f.resultInfo().orElseThrow().attempt() > 1) {
          reRun++;
        }
      } catch (ExecutionException | TimeoutException e) {
        if (failed.size() < 20) {
          // What the cluster says about it: whether the record exists, its state and attempt.
          failed.add(f.taskId() + ": " + e + "; the cluster has " + storedView(client, f));
        }
      }
    }
    System.out.printf(
        "LOST-STORE %s submitted=%d succeeded=%d attempt>1=%d failed=%d%n",
        fault, futures.size(), succeeded, reRun, futures.size() - succeeded);
    assertThat(failed).as("tasks that did not succeed after " + fault).isEmpty();
    assertThat(succeeded).isEqualTo(futures.size());
  }
}

package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client's coordinator (of 3, real processes, 2 workers) is frozen with SIGSTOP for twice the
 * member timeout while tasks run and more are submitted, then resumed. The others remove it and
 * adopt its tasks; the resumed coordinator finds itself paused and cut off, serves nothing (no
 * stale answers, no workers declared dead), is merged back and starts afresh. The client must have
 * every result, the stored outcome (outcome, attempt, worker) must be what the client saw for every
 * task, and the cluster must be whole (3 members everywhere, all serving) within {@link
 * #WHOLE_WITHIN} of SIGCONT (docs/ARCHITECTURE.md, "A paused coordinator").
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PausedCoordinatorIT {
  /** As in the other process ITs: 3 s split this loaded 2-core machine's cluster at start-up. */
  static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(5);

  static final Duration PAUSE = MEMBER_TIMEOUT.multipliedBy(2);

  /**
   * Detection (a tick), the merge (looked for every member timeout, then Hazelcast's join) and the
   * fresh start (a new member joins), with slack for a loaded 2-core machine.
   */
  static final Duration WHOLE_WITHIN = Duration.ofSeconds(60);

  static final int SLEEPS = 100;
  static final int ECHOES = 1_000;

  /**
   * Echoes per submission tick (every 500 ms): 12.5 s in all, before, during and after the pause.
   */
  static final int ECHOES_PER_TICK = 40;

  /** Deleted when every test passed; kept (with the processes' logs) when one failed. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  /** {@code -Dpause.runs=N} repeats the scenario N times in a row (each on a fresh cluster). */
  static IntStream runs() {
    return IntStream.rangeClosed(1, Integer.getInteger("pause.runs", 1));
  }

  @ParameterizedTest(name = "run {0}")
  @MethodSource("runs")
  void clientsCoordinatorPausedForTwiceTheMemberTimeout_clientHasEveryResultAsStored(int run)
      throws Exception {
    long began = System.nanoTime();
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try (ProcessCluster cluster =
            ProcessCluster.start(
                workDir,
                "paused",
                List.of("--member-timeout-ms", Long.toString(MEMBER_TIMEOUT.toMillis())));
        TaskgridClient client = cluster.client()) {
      String prefix = "p" + System.nanoTime() + "-";
      List<TaskFuture<?>> futures = new ArrayList<>();
      List<Object> expected = new ArrayList<>();
      for (int i = 0; i < SLEEPS; i++) {
        long ms = 1_000L + (i * 97L) % 3_000L; // 1–4 s: running across the pause
        futures.add(
            client.submit(TaskTypes.SLEEP, ms, TaskOptions.newBuilder().id(prefix + i).build()));
        expected.add(ms);
      }
      TaskFuture<?> lastSleep = futures.get(futures.size() - 1);
      cluster
          .coordinator(1)
          .await(
              Duration.ofSeconds(30),
              "the sleeps stored",
              () -> client.getTask(lastSleep.taskId()).isPresent());

      // Echoes go out before, during and after the pause (the client fails over meanwhile).
      List<TaskFuture<?>> echoes = new ArrayList<>();
      ScheduledFuture<?> submitter =
          pacer.scheduleAtFixedRate(
              () -> {
                synchronized (echoes) {
                  for (int k = 0; k < ECHOES_PER_TICK && echoes.size() < ECHOES; k++) {
                    int n = echoes.size();
                    echoes.add(
                        client.submit(
                            TaskTypes.ECHO,
                            "e" + n,
                            TaskOptions.newBuilder().id(prefix + "e" + n).build()));
                  }
                }
              },
              0,
              500,
              TimeUnit.MILLISECONDS);

      TaskgridProcess paused = cluster.coordinator(0);
      paused.signal("STOP");
      long stoppedAt = System.nanoTime();
      // The fault itself is a pause of this length, not a wait for a condition.
      Thread.sleep(PAUSE.toMillis());
      paused.signal("CONT");
      long resumedAt = System.nanoTime();
      long pausedMillis = TimeUnit.NANOSECONDS.toMillis(resumedAt - stoppedAt);

      paused.await(
          WHOLE_WITHIN,
          "the cluster whole again (3 members everywhere, all serving)",
          () -> whole(cluster));
      long wholeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt);

      paused.await(
          Duration.ofSeconds(30),
          "every echo submitted",
          () -> {
            synchronized (echoes) {
              return echoes.size() == ECHOES;
            }
          });
      submitter.cancel(false);
      synchronized (echoes) {
        for (int n = 0; n < echoes.size(); n++) {
          futures.add(echoes.get(n));
          expected.add("e" + n);
        }
      }

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      List<String> failed = new ArrayList<>();
      List<String> mismatched = new ArrayList<>();
      int succeeded = 0;
      int reExecuted = 0;
      int maxAttempt = 0;
      for (int i = 0; i < futures.size(); i++) {
        TaskFuture<?> f = futures.get(i);
        try {
          Object v = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (!v.equals(expected.get(i))) {
            failed.add(f.taskId() + " = " + v);
            continue;
          }
          succeeded++;
          TaskResultInfo seen = f.resultInfo().orElseThrow();
          maxAttempt = Math.max(maxAttempt, seen.attempt());
          if (seen.attempt() > 1) {
            reExecuted++;
          }
          Optional<TaskResultInfo> stored = client.getTask(f.taskId()).flatMap(TaskStatus::result);
          if (stored.isEmpty()
              || !stored.get().outcome().equals(seen.outcome())
              || stored.get().attempt() != seen.attempt()
              || !stored.get().workerId().equals(seen.workerId())) {
            mismatched.add(f.taskId() + ": client saw " + seen + ", stored " + stored);
          }
        } catch (ExecutionException | TimeoutException | CancellationException e) {
          // A task that ended CANCELLED (nothing here cancels) is a failure like the others:
          // listed, not thrown, so the figures still print.
          failed.add(f.taskId() + ": " + e);
        }
      }
      // A coordinator merged back starts afresh in the same process: one log.
      String log = paused.log();
      long fenced = Pattern.compile("Not serving: ").matcher(log).results().count();
      boolean rejoined = log.contains("starting afresh");
      System.out.printf(
          "PAUSED run=%d member-timeout-ms=%d pause-ms=%d tasks=%d succeeded=%d re-executed=%d"
              + " max-attempt=%d stored-differs=%d failed=%d whole-after-ms=%d fences=%d"
              + " rejoined=%s scenario-ms=%d%n",
          run,
          MEMBER_TIMEOUT.toMillis(),
          pausedMillis,
          futures.size(),
          succeeded,
          reExecuted,
          maxAttempt,
          mismatched.size(),
          failed.size(),
          wholeMillis,
          fenced,
          rejoined,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
      assertThat(failed).as("tasks without their result").isEmpty();
      assertThat(mismatched.stream().limit(20))
          .as("stored outcome differs from the client's")
          .isEmpty();
      assertThat(fenced).as("the resumed coordinator stopped serving").isPositive();
      assertThat(log)
          .as("the paused coordinator declared no worker dead")
          .doesNotContain("declared dead");
    } finally {
      pacer.shutdownNow();
    }
  }

  /** Every coordinator sees 3 members and serves. */
  private static boolean whole(ProcessCluster cluster) throws InterruptedException {
    for (int i = 0; i < ProcessCluster.COORDINATORS; i++) {
      if (cluster.metricOrAbsent(i, "taskgrid_cluster_members") != 3
          || cluster.metricOrAbsent(i, "taskgrid_coordinator_serving") != 1) {
        return false;
      }
    }
    return true;
  }
}

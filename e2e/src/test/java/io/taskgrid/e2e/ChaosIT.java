package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * Chaos on real processes: 3 coordinators (one Hazelcast cluster) and 2 workers run a 20,000-task
 * job (echo, sleep, sum_squares) while one process is broken. Every task must end exactly once with
 * the right value; the test prints submitted / succeeded / re-executed / lost and the time the
 * cluster took to recover (the longest pause in completions after the fault).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ChaosIT {
  static final int TASKS = 20_000;
  static final Duration LEASE = Duration.ofSeconds(3);

  /** How long one job may take once the fault is injected, before its stragglers count as lost. */
  static final Duration JOB_DEADLINE = Duration.ofSeconds(100);

  /** Deleted when every test passed; kept (with the processes' logs) when one failed. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path workDir;

  private final List<TaskgridProcess> coordinators = new ArrayList<>();
  private final List<TaskgridProcess> workers = new ArrayList<>();
  private final List<String> targets = new ArrayList<>();
  private int job;

  @BeforeAll
  void startCluster() throws Exception {
    int[] hzPorts = {InJvmCluster.freePort(), InJvmCluster.freePort(), InJvmCluster.freePort()};
    List<String> members = new ArrayList<>();
    for (int p : hzPorts) {
      members.add("127.0.0.1:" + p);
    }
    String cluster = "chaos-" + ProcessHandle.current().pid();
    for (int i = 0; i < 3; i++) {
      coordinators.add(
          TaskgridProcess.startClusterCoordinator(
              workDir,
              "coordinator-" + i,
              hzPorts[i],
              members,
              cluster,
              "--lease-timeout-ms",
              Long.toString(LEASE.toMillis()),
              "--member-timeout-ms",
              "5000"));
    }
    for (TaskgridProcess c : coordinators) {
      c.awaitCoordinator(Duration.ofSeconds(90));
      targets.add(c.target());
    }
    for (int i = 0; i < 2; i++) {
      workers.add(startWorker(i));
    }
    try (TaskgridClient client = client()) {
      coordinators
          .get(0)
          .await(Duration.ofSeconds(60), "2 workers connected", () -> client.workers().size() == 2);
    }
  }

  @AfterAll
  void stopCluster() {
    workers.forEach(TaskgridProcess::close);
    coordinators.forEach(TaskgridProcess::close);
  }

  private TaskgridProcess startWorker(int i) throws IOException {
    return TaskgridProcess.start(
        "worker-" + i + "-" + System.nanoTime(),
        workDir,
        "worker",
        "--coordinator",
        String.join(",", targets),
        "--cpu-processes",
        "1",
        "--io-capacity",
        "2000",
        "--heartbeat-ms",
        "500");
  }

  private TaskgridClient client() {
    return TaskgridClient.connect(ClientOptions.newBuilder().targets(targets).build());
  }

  @Test
  @Order(1)
  void killDashNineWorker_midJob_everyTaskEndsOnceWithItsValue() throws Exception {
    Report r =
        runJob(
            "kill -9 worker",
            () -> {
              TaskgridProcess victim = workers.get(0);
              victim.process().destroyForcibly();
            });
    r.assertNothingLost();
    assertThat(r.reExecuted).as("tasks re-executed after the worker died").isPositive();
    workers.set(0, startWorker(0));
  }

  @Test
  @Order(2)
  void killDashNineCpuChild_midJob_everyTaskEndsOnceWithItsValue() throws Exception {
    Report r =
        runJob(
            "kill -9 CPU child",
            () -> {
              List<ProcessHandle> children = workers.get(1).children();
              assertThat(children).as("CPU children of worker 1").isNotEmpty();
              children.get(0).destroyForcibly();
            });
    r.assertNothingLost();
  }

  @Test
  @Order(3)
  void sigstopWorkerLongerThanLease_midJob_everyTaskEndsOnceWithItsValue() throws Exception {
    TaskgridProcess victim = workers.get(0);
    Report r =
        runJob(
            "SIGSTOP worker > lease, then SIGCONT",
            () -> {
              victim.signal("STOP");
              try {
                // The fault itself is "frozen for longer than the lease": a duration, not a wait
                // for a condition.
                new CountDownLatch(1).await(LEASE.toMillis() + 2_000, TimeUnit.MILLISECONDS);
              } finally {
                victim.signal("CONT");
              }
            });
    r.assertNothingLost();
    assertThat(r.reExecuted).as("tasks re-executed after the lease expired").isPositive();
  }

  @Test
  @Order(4)
  void killDashNineCoordinator_midJob_everyTaskEndsOnceWithItsValue() throws Exception {
    // The client talks to coordinator 0 first, so coordinator 0 owns the job's tasks and is the
    // oldest member: killing it tests client failover, adoption and a new oldest member at once.
    Report r = runJob("kill -9 coordinator", () -> coordinators.get(0).process().destroyForcibly());
    r.assertNothingLost();
    // One coordinator of three held no partition alone (one synchronous backup): Hazelcast reports
    // each partition it owned as having lost its owner, and none of them may count as lost data.
    for (TaskgridProcess survivor : coordinators.subList(1, 3)) {
      int port = survivor.awaitMetricsPort(Duration.ofSeconds(10));
      assertThat(TaskgridProcess.metric(port, "taskgrid_store_partitions_lost_total"))
          .as("store partitions counted lost by a survivor of one coordinator's kill")
          .isZero();
    }
  }

  interface Fault {
    void inject() throws Exception;
  }

  /** Runs one 20,000-task job, injects the fault once a fifth of it is done, and checks it. */
  private Report runJob(String fault, Fault injection) throws Exception {
    job++;
    String prefix = "j" + job + "-" + System.nanoTime() + "-";
    AtomicInteger done = new AtomicInteger();
    AtomicLongArray doneAt = new AtomicLongArray(TASKS);
    List<TaskFuture<?>> futures = new ArrayList<>(TASKS);
    long[] faultAt = new long[1];
    Thread breaker =
        new Thread(
            () -> {
              try {
                coordinators
                    .get(1)
                    .await(
                        Duration.ofSeconds(120),
                        "a fifth of the job",
                        () -> done.get() > TASKS / 5);
                faultAt[0] = System.nanoTime();
                injection.inject();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "chaos-breaker");
    Throwable[] breakerError = new Throwable[1];
    breaker.setUncaughtExceptionHandler((t, e) -> breakerError[0] = e);
    try (TaskgridClient client = client()) {
      breaker.start();
      for (int i = 0; i < TASKS; i++) {
        TaskFuture<?> f = submit(client, prefix, i);
        int index = i;
        f.whenComplete(
            (v, e) -> {
              doneAt.set(index, System.nanoTime());
              done.incrementAndGet();
            });
        futures.add(f);
      }
      breaker.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(breakerError[0]).as("fault injection").isNull();
      Report report = new Report(fault, futures.size());
      // One deadline for the whole job, well inside the test's timeout, so that a hang still ends
      // in a report that names the tasks and what the store says of them.
      long deadline = System.nanoTime() + JOB_DEADLINE.toNanos();
      for (int i = 0; i < TASKS; i++) {
        TaskFuture<?> f = futures.get(i);
        try {
          Object value = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (value.equals(expected(i))) {
            report.succeeded++;
          } else {
            report.wrong.add(f.taskId() + " = " + value);
          }
          TaskResultInfo info = f.resultInfo().orElseThrow();
          if (info.attempt() > 1) {
            report.reExecuted++;
            report.lastReExecutedMillis =
                Math.max(
                    report.lastReExecutedMillis,
                    TimeUnit.NANOSECONDS.toMillis(doneAt.get(i) - faultAt[0]));
            if (report.checked.size() < 200) {
              report.checked.add(f);
            }
          }
        } catch (ExecutionException | TimeoutException e) {
          // What the store says of a task the client never saw end tells lost task from lost
          // completion.
          String store =
              report.lost.size() < 20 ? storeView(client, f.taskId()) : "(not asked: too many)";
          report.lost.add(f.taskId() + ": " + e + "; store: " + store);
        }
      }
      // Exactly one terminal outcome: what the client was told is what the cluster recorded.
      for (TaskFuture<?> f : report.checked) {
        TaskResultInfo seen = f.resultInfo().orElseThrow();
        TaskResultInfo stored =
            client.getTask(f.taskId()).flatMap(TaskStatus::result).orElseThrow();
        assertThat(stored.attempt())
            .as("stored attempt of " + f.taskId())
            .isEqualTo(seen.attempt());
        assertThat(stored.outcome()).isEqualTo(seen.outcome());
      }
      report.recoveryMillis = longestPauseAfter(doneAt, faultAt[0]);
      report.stranded = strandedSoFar();
      report.print();
      if (!report.lost.isEmpty() || report.stranded > 0) {
        for (TaskgridProcess c : coordinators) {
          System.out.println(c.logTail());
        }
        keepLogs(prefix);
      }
      return report;
    }
  }

  /**
   * The tasks the store audit found stranded so far, over the coordinators alive: a task whose live
   * record named a coordinator that held it nowhere. The audit schedules them, so they are not
   * lost; but no known path leaves one, so the logs are kept whenever there is one.
   */
  private long strandedSoFar() throws IOException, InterruptedException {
    long n = 0;
    for (TaskgridProcess c : coordinators) {
      if (c.process().isAlive()) {
        n +=
            (long)
                TaskgridProcess.metric(
                    c.awaitMetricsPort(Duration.ofSeconds(10)), "taskgrid_tasks_stranded_total");
      }
    }
    return n;
  }

  private static TaskFuture<?> submit(TaskgridClient client, String prefix, int i) {
    io.taskgrid.client.TaskOptions id =
        io.taskgrid.client.TaskOptions.newBuilder().id(prefix + i).build();
    return switch (i % 10) {
      case 0, 1, 2, 3, 4, 5 -> client.submit(TaskTypes.ECHO, "v" + i, id);
      case 6, 7, 8 -> client.submit(TaskTypes.SLEEP, sleepMillis(i), id);
      default -> client.submit(TaskTypes.SUM_SQUARES, 1_000L + i % 1_000, id);
    };
  }

  private static Object expected(int i) {
    return switch (i % 10) {
      case 0, 1, 2, 3, 4, 5 -> "v" + i;
      case 6, 7, 8 -> sleepMillis(i);
      default -> sumSquares(1_000L + i % 1_000);
    };
  }

  /**
   * 200–699 ms: long enough that I/O tasks are in flight on every worker whenever the fault strikes
   * (with 20–70 ms sleeps the I/O part of the job was often over by then, and a killed worker had
   * only CPU tasks to lose).
   */
  private static long sleepMillis(int i) {
    return 200L + i % 500;
  }

  private static BigInteger sumSquares(long n) {
    BigInteger sum = BigInteger.ZERO;
    for (long k = 0; k < n; k++) {
      sum = sum.add(BigInteger.valueOf(k * k));
    }
    return sum;
  }

  /** The longest gap between consecutive completions after the fault, in ms. */
  private static long longestPauseAfter(AtomicLongArray doneAt, long faultNanos) {
    long[] times = new long[doneAt.length()];
    for (int i = 0; i < times.length; i++) {
      times[i] = doneAt.get(i);
    }
    java.util.Arrays.sort(times);
    long prev = faultNanos;
    long longest = 0;
    for (long t : times) {
      if (t < faultNanos) {
        continue;
      }
      longest = Math.max(longest, t - prev);
      prev = t;
    }
    return TimeUnit.NANOSECONDS.toMillis(longest);
  }

  /** What one job under one fault came to. */
  private static final class Report {
    final String fault;
    final int submitted;
    int succeeded;
    int reExecuted;
    long stranded;
    long recoveryMillis;
    long lastReExecutedMillis;
    final List<String> lost = new ArrayList<>();
    final List<String> wrong = new ArrayList<>();
    final List<TaskFuture<?>> checked = new ArrayList<>();

    Report(String fault, int submitted) {
      this.fault = fault;
      this.submitted = submitted;
    }

    void print() {
      System.out.printf(
          "CHAOS %-36s submitted=%d succeeded=%d re-executed=%d lost=%d wrong=%d"
              + " stranded-so-far=%d longest-pause-after-fault=%d ms last-re-executed-done=%d ms"
              + " after the fault%n",
          fault,
          submitted,
          succeeded,
          reExecuted,
          lost.size(),
          wrong.size(),
          stranded,
          recoveryMillis,
          lastReExecutedMillis);
    }

    void assertNothingLost() {
      assertThat(lost.size())
          .as(
              "tasks lost under "
                  + fault
                  + "; the first: "
                  + lost.subList(0, Math.min(20, lost.size())))
          .isZero();
      assertThat(wrong).as("tasks with a wrong value under " + fault).isEmpty();
      assertThat(succeeded).isEqualTo(submitted);
    }
  }

  /**
   * Copies every process's whole log to target/chaos-logs/{job}: the work directory is a temporary
   * one, and a lost task is diagnosed from the coordinators' logs around the fault.
   */
  private void keepLogs(String job) throws IOException {
    Path kept = Path.of("target", "chaos-logs", job);
    Files.createDirectories(kept);
    try (var logs = Files.newDirectoryStream(workDir, "*.log")) {
      for (Path log : logs) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    System.out.println("The processes' logs are kept in " + kept.toAbsolutePath());
  }

  private String storeView(TaskgridClient client, String taskId) {
    try {
      return client.getTask(taskId).map(Object::toString).orElse("no such task")
          + "; owner "
          + ownerOf(taskId);
    } catch (RuntimeException e) {
      return "cannot ask: " + e.getMessage();
    }
  }

  /**
   * The coordinator (Hazelcast member id) the record names as its scheduler: the public API does
   * not show it, and it tells a task nobody adopted from one its owner holds but does not run.
   */
  private String ownerOf(String taskId) {
    for (String target : targets) {
      ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
      try {
        return TaskServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build())
            .getTask()
            .getOwner();
      } catch (StatusRuntimeException e) {
        // That coordinator is the one killed, or cannot answer: ask the next.
      } finally {
        channel.shutdownNow();
      }
    }
    return "(no coordinator answered)";
  }
}

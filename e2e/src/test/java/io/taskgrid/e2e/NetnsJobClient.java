package io.taskgrid.e2e;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFailedException;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client of {@link MultiHostNetnsIT}, run as a process in the client's network namespace (the
 * test JVM stays in the root namespace, which reaches none of the test's addresses). Arguments: the
 * coordinators' targets (comma-separated), a task id prefix, the number of tasks.
 *
 * <p>Waits until every coordinator sees the 3 workers, submits a mixed job (echo, sleep, CPU sum of
 * squares, failing tasks) with its own ids, prints {@code SUBMITTED n}, then {@code DONE k} as
 * outcomes arrive and {@code ALLDONE} when every future ended; then waits for {@code CHECK} on
 * stdin (sent once the test healed the partitions) and checks that every task has exactly one
 * correct outcome: the future's value or failure is the expected one, and every coordinator's
 * stored record holds the same outcome, attempt and worker. Prints {@code RESULT ...}; exits 0 only
 * if every task passed.
 */
final class NetnsJobClient {
  private NetnsJobClient() {}

  static final int WORKERS = 3;

  public static void main(String[] args) throws Exception {
    List<String> targets = List.of(args[0].split(","));
    String prefix = args[1];
    int tasks = Integer.parseInt(args[2]);
    for (String target : targets) {
      awaitWorkers(target);
    }
    System.out.println("WORKERS " + WORKERS + " on every coordinator");
    try (TaskgridClient client =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(targets).build())) {
      List<TaskFuture<?>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        futures.add(submit(client, prefix, i));
      }
      System.out.println("SUBMITTED " + tasks);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int done;
      do {
        done = (int) futures.stream().filter(TaskFuture::isDone).count();
        System.out.println("DONE " + done);
        if (done < tasks && tasks - done <= 10) {
          // The last few: which ones, in case they never end.
          System.out.println(
              "PENDING "
                  + futures.stream().filter(f -> !f.isDone()).map(TaskFuture::taskId).toList());
        }
        if (done < tasks) {
          try {
            futures
                .get(firstPending(futures))
                .handle((v, e) -> null)
                .get(250, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            // report progress at least every 250 ms
          }
        }
      } while (done < tasks && System.nanoTime() < deadline);
      System.out.println(done == tasks ? "ALLDONE" : "TIMEOUT done=" + done);

      BufferedReader stdin =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = stdin.readLine()) != null && !line.equals("CHECK")) {
        // wait for the test to heal the network
      }
      check(futures, targets, prefix);
    }
  }

  private static int firstPending(List<TaskFuture<?>> futures) {
    for (int i = 0; i < futures.size(); i++) {
      if (!futures.get(i).isDone()) {
        return i;
      }
    }
    return 0;
  }

  private static void awaitWorkers(String target) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (TaskgridClient one =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(List.of(target)).build())) {
      while (System.nanoTime() < deadline) {
        try {
          if (one.workers().size() == WORKERS) {
            return;
          }
        } catch (RuntimeException e) {
          // not serving yet
        }
        TimeUnit.MILLISECONDS.sleep(200); // polling a remote process; no event to wait on
      }
    }
    System.out.println("RESULT failed: " + target + " never saw " + WORKERS + " workers");
    System.exit(3);
  }

  private static TaskFuture<?> submit(TaskgridClient client, String prefix, int i) {
    TaskOptions id = TaskOptions.newBuilder().id(prefix + i).build();
    return switch (i % 4) {
      case 0 -> client.submit(TaskTypes.ECHO, "echo-" + i, id);
      case 1 -> client.submit(TaskTypes.SLEEP, sleepMillis(i), id);
      case 2 -> client.submit(TaskTypes.SUM_SQUARES, 1_000L + i, id);
      default -> client.submit(TaskTypes.FAIL, "boom-" + i, id);
    };
  }

  /** 500-2,999 ms: sleeps are in flight when the test cuts the links. */
  static long sleepMillis(int i) {
    return 500L + (i * 379L) % 2_500L;
  }

  static Object expected(int i) {
    return switch (i % 4) {
      case 0 -> "echo-" + i;
      case 1 -> sleepMillis(i);
      case 2 -> MixedTasksIT.closedForm(1_000L + i);
      default -> "boom-" + i;
    };
  }

  private static void check(List<TaskFuture<?>> futures, List<String> targets, String prefix)
      throws InterruptedException {
    int ok = 0;
    int reExecuted = 0;
    List<String> problems = new ArrayList<>();
    List<TaskgridClient> perCoordinator = new ArrayList<>();
    for (String target : targets) {
      perCoordinator.add(
          TaskgridClient.connect(ClientOptions.newBuilder().targets(List.of(target)).build()));
    }
    try {
      for (int i = 0; i < futures.size(); i++) {
        String problem = problem(futures.get(i), i, prefix, perCoordinator);
        if (problem == null) {
          ok++;
        } else if (problems.size() < 20) {
          problems.add(problem);
        }
        Optional<TaskResultInfo> info = futures.get(i).resultInfo();
        if (info.isPresent() && info.get().attempt() > 1) {
          reExecuted++;
        }
      }
    } finally {
      perCoordinator.forEach(TaskgridClient::close);
    }
    problems.forEach(p -> System.out.println("PROBLEM " + p));
    System.out.printf(
        "RESULT total=%d ok=%d bad=%d re-executed=%d%n",
        futures.size(), ok, futures.size() - ok, reExecuted);
    System.exit(ok == futures.size() ? 0 : 1);
  }

  /** What is wrong with task {@code i}, or null. */
  private static String problem(
      TaskFuture<?> f, int i, String prefix, List<TaskgridClient> perCoordinator)
      throws InterruptedException {
    String id = prefix + i;
    if (!f.taskId().equals(id)) {
      return id + ": future has id " + f.taskId();
    }
    String outcome;
    try {
      Object value = f.get(1, TimeUnit.SECONDS);
      if (i % 4 == 3 || !Objects.equals(value, expected(i))) {
        return id + ": value " + value + ", expected " + expected(i);
      }
      outcome = "SUCCEEDED";
    } catch (ExecutionException e) {
      if (i % 4 != 3
          || !(e.getCause() instanceof TaskFailedException failed)
          || !failed.getMessage().contains("boom-" + i)) {
        return id + ": " + e.getCause();
      }
      outcome = "FAILED";
    } catch (TimeoutException e) {
      return id + ": no outcome";
    } catch (CancellationException e) {
      return id + ": cancelled (" + e.getMessage() + ")";
    }
    TaskResultInfo seen = f.resultInfo().orElse(null);
    if (seen == null || !seen.outcome().equals(outcome)) {
      return id + ": result info " + seen + ", expected outcome " + outcome;
    }
    for (TaskgridClient c : perCoordinator) {
      Optional<TaskResultInfo> stored;
      try {
        stored = c.getTask(id).flatMap(TaskStatus::result);
      } catch (RuntimeException e) {
        return id + ": getTask failed: " + e;
      }
      if (stored.isEmpty()) {
        return id + ": a coordinator holds no result";
      }
      TaskResultInfo s = stored.get();
      if (!s.outcome().equals(seen.outcome())
          || s.attempt() != seen.attempt()
          || !s.workerId().equals(seen.workerId())) {
        return id + ": stored " + s + " but the client saw " + seen;
      }
    }
    return null;
  }
}

package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskCancelledException;
import io.taskgrid.client.TaskFailedException;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskRejectedException;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskTimedOutException;
import io.taskgrid.client.WorkerLostException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;

/** Prints the outcomes of finished tasks: each one when few, counts by outcome always. */
final class SubmitReport {
  private final PrintWriter out;
  private final int maxListed;

  SubmitReport(PrintWriter out, int maxListed) {
    this.out = out;
    this.maxListed = maxListed;
  }

  /** Prints the report and returns the exit code: 0 when every task succeeded. */
  int print(List<TaskFuture<Object>> futures, Duration took) {
    Map<String, Integer> byOutcome = new TreeMap<>();
    for (TaskFuture<Object> f : futures) {
      String outcome = outcome(f);
      byOutcome.merge(outcome, 1, Integer::sum);
      if (futures.size() <= maxListed) {
        out.println(Terminal.safe(f.taskId()) + "  " + outcome + "  " + Terminal.safe(value(f)));
      }
    }
    double seconds = Math.max(took.toNanos(), 1) / 1e9;
    out.printf(
        Locale.ROOT,
        "%d task(s) in %.2f s (%.1f tasks/s): %s%n",
        futures.size(),
        seconds,
        futures.size() / seconds,
        describe(byOutcome));
    printRejections(out, futures);
    out.flush();
    boolean allSucceeded = byOutcome.keySet().stream().allMatch("SUCCEEDED"::equals);
    return allSucceeded ? 0 : TaskgridCli.EXIT_FAILURE;
  }

  /** Distinct reasons shown for rejected tasks (the coordinator gives one per cause). */
  static final int MAX_REASONS = 5;

  /**
   * Prints why tasks were rejected, one line per distinct reason with its count, and returns how
   * many were.
   */
  static int printRejections(PrintWriter out, List<? extends TaskFuture<?>> futures) {
    Map<String, Integer> reasons = new TreeMap<>();
    int rejected = 0;
    for (TaskFuture<?> f : futures) {
      if (f.isCompletedExceptionally() && error(f) instanceof TaskRejectedException e) {
        rejected++;
        String why = reason(e);
        if (reasons.size() < MAX_REASONS || reasons.containsKey(why)) {
          reasons.merge(why, 1, Integer::sum);
        }
      }
    }
    if (rejected > 0) {
      out.println(rejected + " task(s) rejected by the coordinator:");
      reasons.forEach((why, n) -> out.println("  " + n + " x " + Terminal.safe(why)));
    }
    return rejected;
  }

  /** The reason without the task id, so that one cause of many rejections is one line. */
  static String reason(TaskRejectedException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String prefix = "task " + e.taskId() + " rejected (" + e.code() + "): ";
    return e.code()
        + ": "
        + (message.startsWith(prefix) ? message.substring(prefix.length()) : message);
  }

  static String describe(Map<String, Integer> byOutcome) {
    StringBuilder sb = new StringBuilder();
    byOutcome.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
    return sb.toString();
  }

  private static String outcome(TaskFuture<?> f) {
    if (!f.isCompletedExceptionally()) {
      return "SUCCEEDED";
    }
    Throwable e = error(f);
    if (e instanceof TaskRejectedException) {
      return "REJECTED";
    }
    if (e instanceof TaskTimedOutException) {
      return "TIMED_OUT";
    }
    if (e instanceof TaskCancelledException) {
      return "CANCELLED";
    }
    if (e instanceof WorkerLostException) {
      return "WORKER_LOST";
    }
    if (e instanceof TaskFailedException) {
      return "FAILED";
    }
    return f.resultInfo().map(TaskResultInfo::outcome).orElse("ERROR");
  }

  private static String value(TaskFuture<Object> f) {
    if (!f.isCompletedExceptionally()) {
      return CliTaskTypes.format(f.join());
    }
    Throwable e = error(f);
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static Throwable error(TaskFuture<?> f) {
    try {
      f.join();
      throw new IllegalStateException("not failed: " + f);
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (java.util.concurrent.CancellationException e) {
      return new TaskCancelledException(f.taskId(), "cancelled");
    }
  }
}

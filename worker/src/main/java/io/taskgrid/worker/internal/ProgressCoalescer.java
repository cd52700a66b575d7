package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.TaskProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Keeps only the latest progress report of each task until the next {@link #flush()}, which a timer
 * calls at a fixed rate: a handler may report as often as it likes and the wire sees at most one
 * update per task per tick. {@link #report} is a map write, so it never blocks a handler.
 * Thread-safe.
 *
 * @param <R> where a task's updates go (for the agent: the connection that assigned the task)
 */
public final class ProgressCoalescer<R> {
  private record Latest<R>(R route, TaskProgress progress) {}

  private final ConcurrentHashMap<String, Latest<R>> latest = new ConcurrentHashMap<>();
  private final BiConsumer<R, List<TaskProgress>> sink;

  /**
   * @param sink receives, on the flushing thread, one list per route
   */
  public ProgressCoalescer(BiConsumer<R, List<TaskProgress>> sink) {
    this.sink = sink;
  }

  /** Replaces the task's pending report (any thread). */
  public void report(R route, TaskProgress progress) {
    latest.put(progress.getTaskId(), new Latest<>(route, progress));
  }

  /** Drops a task's pending report (it ended; its result says the rest). */
  public void forget(String taskId) {
    latest.remove(taskId);
  }

  /** Sends the pending reports, one batch per route. */
  public void flush() {
    if (latest.isEmpty()) {
      return;
    }
    Map<R, List<TaskProgress>> byRoute = new LinkedHashMap<>();
    for (String id : latest.keySet()) {
      // remove() then a newer report() is kept for the next tick: nothing is lost but skipped ones.
      Latest<R> l = latest.remove(id);
      if (l != null) {
        byRoute.computeIfAbsent(l.route(), k -> new ArrayList<>()).add(l.progress());
      }
    }
    byRoute.forEach(sink);
  }

  /** Builds a report: the fraction clamped to 0..1 (NaN kept: unknown), the message bounded. */
  public static TaskProgress progress(String taskId, int attempt, double fraction, String message) {
    double f = Double.isNaN(fraction) ? Double.NaN : Math.max(0.0, Math.min(1.0, fraction));
    String m = message.length() <= 256 ? message : message.substring(0, 256);
    return TaskProgress.newBuilder()
        .setTaskId(taskId)
        .setAttempt(attempt)
        .setFraction(f)
        .setMessage(m)
        .build();
  }
}

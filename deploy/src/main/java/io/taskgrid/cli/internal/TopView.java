package io.taskgrid.cli.internal;

import io.taskgrid.client.CoordinatorStats;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.WorkerInfo;
import java.util.List;
import java.util.Locale;

/**
 * Renders one frame of {@code taskgrid top}; keeps the previous sample to turn the coordinator's
 * totals into rates. Not thread-safe (one caller, the refresh loop).
 */
final class TopView {
  private final String target;
  private final long intervalMillis;
  private long lastNanos;
  private long lastAccepted = -1;
  private long lastCompleted;

  TopView(String target, long intervalMillis) {
    this.target = target;
    this.intervalMillis = intervalMillis;
  }

  String render(CoordinatorStats stats, List<WorkerInfo> workers, long nowNanos) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "taskgrid top - %s - refresh %d ms - press q to quit%n%n",
            target,
            intervalMillis));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-5s %10s %10s %10s %10s%n",
            "POOL",
            "QUEUED",
            "RUNNING",
            "SLOTS",
            "FREE"));
    for (TaskPool pool : TaskPool.values()) {
      int slots = 0;
      int used = 0;
      for (WorkerInfo w : workers) {
        for (WorkerInfo.PoolInfo p : w.pools()) {
          if (p.pool() == pool) {
            slots += p.capacity();
            used += p.used();
          }
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%-5s %10d %10d %10d %10d%n",
              pool,
              stats.queued(pool),
              used,
              slots,
              Math.max(0, slots - used)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nTASKS  live %d, accepted %d, completed %d%n",
            stats.live(),
            stats.acceptedTotal(),
            stats.completedTotal()));
    sb.append("THROUGHPUT  ").append(rates(stats, nowNanos)).append(System.lineSeparator());
    sb.append(System.lineSeparator());
    sb.append(
        String.format(
            Locale.ROOT,
            "%-28s %-16s %15s %15s%n",
            "WORKER",
            "NODE",
            "IO used/slots",
            "CPU used/slots"));
    for (WorkerInfo w : workers) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-28s %-16s %15s %15s%n",
              Terminal.safe(w.workerId()),
              Terminal.safe(w.node()),
              slots(w, TaskPool.IO),
              slots(w, TaskPool.CPU)));
    }
    sb.append(workers.size()).append(" worker(s)").append(System.lineSeparator());
    return sb.toString();
  }

  private String rates(CoordinatorStats stats, long nowNanos) {
    String text;
    if (lastAccepted < 0 || nowNanos <= lastNanos) {
      text = "measuring...";
    } else {
      double seconds = (nowNanos - lastNanos) / 1e9;
      text =
          String.format(
              Locale.ROOT,
              "%.1f tasks/s completed, %.1f tasks/s accepted",
              (stats.completedTotal() - lastCompleted) / seconds,
              (stats.acceptedTotal() - lastAccepted) / seconds);
    }
    lastNanos = nowNanos;
    lastAccepted = stats.acceptedTotal();
    lastCompleted = stats.completedTotal();
    return text;
  }

  private static String slots(WorkerInfo w, TaskPool pool) {
    for (WorkerInfo.PoolInfo p : w.pools()) {
      if (p.pool() == pool) {
        return p.used() + "/" + p.capacity();
      }
    }
    return "-";
  }
}

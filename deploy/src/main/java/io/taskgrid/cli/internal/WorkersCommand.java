package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code taskgrid workers}: the connected workers with their pools and slots. */
@Command(
    name = "workers",
    mixinStandardHelpOptions = true,
    description = "List the workers connected to the coordinator, with their pools and slots.")
final class WorkersCommand implements Callable<Integer> {
  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (TaskgridClient client = coordinator.connect()) {
      List<WorkerInfo> workers = coordinator.call(client::workers);
      print(out, workers);
    }
    out.flush();
    return 0;
  }

  static void print(PrintWriter out, List<WorkerInfo> workers) {
    if (workers.isEmpty()) {
      out.println("No workers connected.");
      return;
    }
    String format = "%-28s %-16s %-4s %7s %7s %7s  %s%n";
    out.printf(Locale.ROOT, format, "WORKER", "NODE", "POOL", "SLOTS", "USED", "FREE", "HANDLERS");
    for (WorkerInfo w : workers) {
      boolean first = true;
      for (WorkerInfo.PoolInfo p : w.pools()) {
        out.printf(
            Locale.ROOT,
            format,
            first ? Terminal.safe(w.workerId()) : "",
            first ? Terminal.safe(w.node()) : "",
            p.pool(),
            p.capacity(),
            p.used(),
            p.free(),
            Terminal.safe(String.join(",", p.handlers())));
        first = false;
      }
    }
    out.println(workers.size() + " worker(s); " + totals(workers));
  }

  static String totals(List<WorkerInfo> workers) {
    StringBuilder sb = new StringBuilder();
    for (TaskPool pool : TaskPool.values()) {
      int capacity = 0;
      int used = 0;
      for (WorkerInfo w : workers) {
        for (WorkerInfo.PoolInfo p : w.pools()) {
          if (p.pool() == pool) {
            capacity += p.capacity();
            used += p.used();
          }
        }
      }
      sb.append(sb.length() == 0 ? "" : "; ")
          .append(pool)
          .append(' ')
          .append(used)
          .append(" of ")
          .append(capacity)
          .append(" slots used");
    }
    return sb.toString();
  }
}

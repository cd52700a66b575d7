package io.taskgrid.cli.internal;

import io.taskgrid.client.CoordinatorStats;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code taskgrid top}: a live view of queues, workers and throughput until {@code q}. */
@Command(
    name = "top",
    mixinStandardHelpOptions = true,
    description = {
      "A live view of the queues, the workers and the throughput, refreshed until you press q",
      "(or standard input ends)."
    })
final class TopCommand implements Callable<Integer> {
  private static final String CLEAR_SCREEN = "\033[H\033[2J";

  @Option(
      names = "--interval",
      paramLabel = "MILLIS",
      defaultValue = "1000",
      description = "Refresh interval (default: ${DEFAULT-VALUE}).")
  long intervalMillis = 1000;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      defaultValue = "0",
      description = "Stop after N refreshes; 0: until q (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Where keys come from; tests give their own stream. */
  InputStream in = System.in;

  /** Monotonic time for the throughput; tests may give a fake ticker. */
  LongSupplier ticker = System::nanoTime;

  @Override
  public Integer call() throws Exception {
    if (intervalMillis < 50) {
      throw new UsageException("--interval: " + intervalMillis + " (expected: >= 50)");
    }
    Checks.atLeast("--iterations", iterations, 0);
    PrintWriter out = spec.commandLine().getOut();
    // Redraw in place only on a real terminal; a pipe gets one frame after another.
    boolean terminal = System.console() != null && in == System.in;
    TopView view = new TopView(String.join(",", coordinator.targets), intervalMillis);
    try (TaskgridClient client = coordinator.connect();
        KeySource keys = terminal ? KeySource.terminal() : KeySource.stream(in)) {
      for (int frame = 1; ; frame++) {
        CoordinatorStats stats = coordinator.call(client::stats);
        List<WorkerInfo> workers = coordinator.call(client::workers);
        out.print((terminal ? CLEAR_SCREEN : "") + view.render(stats, workers, ticker.getAsLong()));
        out.flush();
        if (iterations > 0 && frame >= iterations) {
          return 0;
        }
        if (quit(keys)) {
          return 0;
        }
      }
    }
  }

  /** Waits one interval for keys; true on q or the end of the input. */
  private boolean quit(KeySource keys) throws Exception {
    long deadline = ticker.getAsLong() + intervalMillis * 1_000_000L;
    while (true) {
      long left = (deadline - ticker.getAsLong()) / 1_000_000L;
      int key = keys.next(Math.max(left, 0));
      if (key == KeySource.EOF || key == 'q' || key == 'Q') {
        return true;
      }
      if (key == KeySource.TIMEOUT || left <= 0) {
        return false;
      }
    }
  }
}

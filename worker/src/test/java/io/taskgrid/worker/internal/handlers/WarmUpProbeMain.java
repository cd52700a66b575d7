package io.taskgrid.worker.internal.handlers;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Not a test: the CPU time of each of the first {@code sum_squares} tasks in a fresh JVM, as a CPU
 * child runs them, cold or after {@link SumSquaresHandler#warmUp} (bench/ANALYSIS.md, "CPU path
 * efficiency"). CPU time, not wall time, so that a busy machine does not change the figures. Run
 * each case in its own JVM, with the children's options:
 *
 * <pre>
 * java -XX:+UseSerialGC -Xmx256m -cp "worker/target/test-classes:deploy/target/dist/lib/*" \
 *   io.taskgrid.worker.internal.handlers.WarmUpProbeMain cold|warm|seeds N TASKS
 * </pre>
 *
 * {@code seeds} first runs the seeds' 20 tasks of 10,000,000 cold (what the demo's children do
 * before its sized job).
 */
public final class WarmUpProbeMain {
  private WarmUpProbeMain() {}

  public static void main(String[] args) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String mode = args[0];
    long n = Long.parseLong(args[1]);
    int tasks = Integer.parseInt(args[2]);
    long c0 = threads.getCurrentThreadCpuTime();
    if (mode.equals("warm")) {
      new SumSquaresHandler().warmUp();
    } else if (mode.equals("seeds")) {
      for (int i = 0; i < 20; i++) {
        SumSquaresHandler.sumSquares(10_000_000L + i);
      }
    }
    long c1 = threads.getCurrentThreadCpuTime();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT, "%s n=%d before: %.1f ms CPU; tasks (ms CPU):", mode, n, ms(c1 - c0)));
    for (int i = 0; i < tasks; i++) {
      long start = threads.getCurrentThreadCpuTime();
      SumSquaresHandler.sumSquares(n + i);
      line.append(
          String.format(Locale.ROOT, " %.1f", ms(threads.getCurrentThreadCpuTime() - start)));
    }
    System.out.println(line);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}

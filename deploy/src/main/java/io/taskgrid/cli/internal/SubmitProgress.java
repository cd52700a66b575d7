package io.taskgrid.cli.internal;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * The progress bar of {@code submit --wait}: tasks done of all, throughput (tasks/s) and ETA. On a
 * terminal it redraws in place on stderr, narrower than 80 columns (a wider line wraps, and every
 * redraw then leaves a line behind); elsewhere (a file, a pipe, a test) it writes whole lines to
 * the command's error stream now and then (see {@link LineProgressConsumer}). Thread-safe:
 * completions step it from the client's callback threads.
 */
final class SubmitProgress implements AutoCloseable {
  /** Under 80 columns: a terminal of 80 never wraps the bar. */
  static final int WIDTH = 79;

  private static final int REFRESH_MILLIS = 250;

  private final ProgressBar bar;
  private final @Nullable LineProgressConsumer lines;

  private SubmitProgress(ProgressBar bar, @Nullable LineProgressConsumer lines) {
    this.bar = bar;
    this.lines = lines;
  }

  static SubmitProgress start(String taskName, long total, PrintWriter err) {
    return start(taskName, total, err, System.console() != null, System::nanoTime);
  }

  static SubmitProgress start(
      String taskName, long total, PrintWriter err, boolean terminal, LongSupplier nanoClock) {
    LineProgressConsumer lines = terminal ? null : new LineProgressConsumer(err, WIDTH, nanoClock);
    ProgressBarConsumer consumer =
        lines != null ? lines : new ConsoleProgressBarConsumer(System.err, WIDTH);
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(taskName)
            .setInitialMax(total)
            .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
            .setUnit(" tasks", 1)
            .showSpeed()
            .setSpeedUnit(ChronoUnit.SECONDS)
            .setUpdateIntervalMillis(REFRESH_MILLIS)
            .setConsumer(consumer)
            .build();
    return new SubmitProgress(bar, lines);
  }

  void step() {
    bar.step();
  }

  /** Draws the final state (and, off a terminal, prints it as a line). */
  @Override
  public void close() {
    bar.close();
    if (lines != null) {
      // The bar closes its consumer only when its refresher ran before: a bar closed before its
      // first scheduled refresh draws the final state without closing (progressbar 0.10.2).
      lines.close();
    }
  }
}

package io.taskgrid.cli.internal;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar of {@code submit --wait}: tasks done of all, throughput (tasks/s) and ETA. On a
 * terminal it redraws in place on stderr; elsewhere (a pipe, a test) it writes to the command's
 * error stream. Thread-safe: completions step it from the client's callback threads.
 */
final class SubmitProgress implements AutoCloseable {
  private static final int WIDTH = 100;
  private static final int REFRESH_MILLIS = 250;

  private final ProgressBar bar;
  private final PrintWriter err;
  private final boolean terminal;

  private SubmitProgress(ProgressBar bar, PrintWriter err, boolean terminal) {
    this.bar = bar;
    this.err = err;
    this.terminal = terminal;
  }

  static SubmitProgress start(String taskName, long total, PrintWriter err) {
    boolean terminal = System.console() != null;
    ProgressBarConsumer consumer =
        terminal
            ? new ConsoleProgressBarConsumer(System.err, WIDTH)
            : new DelegatingProgressBarConsumer(
                line -> {
                  err.print('\r');
                  err.print(line);
                  err.flush();
                },
                WIDTH);
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
    return new SubmitProgress(bar, err, terminal);
  }

  void step() {
    bar.step();
  }

  /** Draws the final state and ends the line. */
  @Override
  public void close() {
    bar.close();
    if (!terminal) {
      // The bar redraws with carriage returns: end its line.
      err.println();
      err.flush();
    }
  }
}

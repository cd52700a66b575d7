package io.taskgrid.cli.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The progress bar's output when stderr is not a terminal (a file, a pipe, CI): whole lines, at
 * most one per {@link #INTERVAL_SECONDS}, and the final state at the end, never {@code \r} redraws
 * (which a file keeps as one huge line). Called from the bar's refresh thread and the closing one.
 */
final class LineProgressConsumer implements ProgressBarConsumer {
  static final long INTERVAL_SECONDS = 5;

  private final PrintWriter err;
  private final int width;
  private final LongSupplier nanoClock;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private long lastPrintedNanos;

  @GuardedBy("lock")
  private @Nullable String pending;

  LineProgressConsumer(PrintWriter err, int width, LongSupplier nanoClock) {
    this.err = err;
    this.width = width;
    this.nanoClock = nanoClock;
    this.lastPrintedNanos = nanoClock.getAsLong();
  }

  @Override
  public int getMaxRenderedLength() {
    return width;
  }

  @Override
  public void accept(String line) {
    synchronized (lock) {
      long now = nanoClock.getAsLong();
      if (now - lastPrintedNanos >= TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS)) {
        print(line);
        lastPrintedNanos = now;
        pending = null;
      } else {
        pending = line;
      }
    }
  }

  /** Prints the last state not printed yet (the bar draws its final state before closing). */
  @Override
  public void close() {
    synchronized (lock) {
      if (pending != null) {
        print(pending);
        pending = null;
      }
    }
  }

  private void print(String line) {
    err.println(line.strip());
    err.flush();
  }
}

package io.taskgrid.cli.internal;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/** Formats the demo's report: sections, aligned rows, durations and rates. */
final class DemoReport {
  private final PrintWriter out;
  private int section;

  DemoReport(PrintWriter out) {
    this.out = out;
  }

  void section(String title) {
    out.println();
    out.println(++section + ". " + title);
    out.flush();
  }

  void line(String format, Object... args) {
    out.println("   " + String.format(Locale.ROOT, format, args));
    out.flush();
  }

  void summary(boolean ok) {
    out.println();
    out.println(ok ? "Demo finished: every result checked." : "Demo FAILED: see the lines above.");
    out.flush();
  }

  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
  }

  static String rate(long count, Duration duration) {
    double perSecond = count / Math.max(1e-9, duration.toNanos() / 1e9);
    return String.format(Locale.ROOT, "%,.0f/s", perSecond);
  }
}

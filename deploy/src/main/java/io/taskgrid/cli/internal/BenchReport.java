package io.taskgrid.cli.internal;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where bench figures go: one machine-readable line per figure, {@code RESULT system workload
 * metric unit value}, which bench/report.py aggregates over runs, plus human-readable lines.
 */
final class BenchReport {
  private final PrintStream out;

  BenchReport(PrintStream out) {
    this.out = out;
  }

  void figure(String workload, String metric, String unit, double value) {
    out.printf(Locale.ROOT, "RESULT taskgrid %s %s %s %.6g%n", workload, metric, unit, value);
    out.flush();
  }

  void note(String format, Object... args) {
    out.println("# " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}

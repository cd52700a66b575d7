package io.taskgrid.bench;

import java.util.Locale;

/** The bench's one output format: {@code RESULT system workload metric unit value} lines. */
final class Results {
  private Results() {}

  static void figure(String system, String workload, String metric, String unit, double value) {
    System.out.printf(
        Locale.ROOT, "RESULT %s %s %s %s %.6g%n", system, workload, metric, unit, value);
    System.out.flush();
  }
}

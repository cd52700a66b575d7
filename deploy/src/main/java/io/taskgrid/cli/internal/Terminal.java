package io.taskgrid.cli.internal;

import io.taskgrid.coordinator.internal.sched.WireIds;

/**
 * Text from the coordinator or the command line made safe to print: ids, names, labels and error
 * messages reach the terminal with their newlines and escape sequences shown, never obeyed (a
 * {@code job_id} with ESC codes could otherwise rewrite the screen of {@code taskgrid status}).
 */
final class Terminal {
  private Terminal() {}

  /** {@code s} on one line, control and format characters escaped (the coordinator's rule). */
  static String safe(String s) {
    return WireIds.escape(s);
  }
}

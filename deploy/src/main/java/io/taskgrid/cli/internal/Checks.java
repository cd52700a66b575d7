package io.taskgrid.cli.internal;

/** Range checks of numeric flags, with messages that name the flag. */
final class Checks {
  private Checks() {}

  static long atLeast(String flag, long value, long min) {
    if (value < min) {
      throw new UsageException(flag + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  static int atLeast(String flag, int value, int min) {
    if (value < min) {
      throw new UsageException(flag + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }
}

package io.taskgrid.cli.internal;

/** Checks {@code host:port} arguments before anything dials them. */
final class Addresses {
  private Addresses() {}

  static void checkTarget(String flag, String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new UsageException(flag + ": '" + target + "' (expected: host:port)");
    }
    try {
      Ports.check(flag, Integer.parseInt(target.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new UsageException(
          flag + ": '" + target + "' has no numeric port (expected: host:port)");
    }
  }
}

package io.taskgrid.cli.internal;

/** Checks {@code --metrics-port}: a port, 0 for a free one, or -1 for no endpoint. */
final class MetricsPorts {
  private MetricsPorts() {}

  static int check(int port) {
    if (port < -1 || port > 65_535) {
      throw new UsageException(
          "--metrics-port: " + port + " (expected: 0..65535, or -1 for no metrics endpoint)");
    }
    return port;
  }
}

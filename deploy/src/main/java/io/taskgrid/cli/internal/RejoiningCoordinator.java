package io.taskgrid.cli.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The coordinator of the {@code coordinator} command: when it was cut off from its cluster and
 * merged back (see Coordinator#rejoinNeeded), it is closed and a new one is started with the same
 * options, in this process, on the same ports; the port file is written again.
 */
final class RejoiningCoordinator implements AutoCloseable {
  private final CoordinatorOptions options;
  private final @Nullable Path portFile;

  @GuardedBy("this")
  private Coordinator current;

  @GuardedBy("this")
  private boolean closed;

  private RejoiningCoordinator(
      CoordinatorOptions options, @Nullable Path portFile, Coordinator first) {
    this.options = options;
    this.portFile = portFile;
    this.current = first;
  }

  /** Starts the first coordinator, prints where it listens and writes the port file. */
  static RejoiningCoordinator start(CoordinatorOptions options, @Nullable Path portFile)
      throws IOException {
    Coordinator first = Coordinator.start(options);
    RejoiningCoordinator r = new RejoiningCoordinator(options, portFile, first);
    r.announce(first);
    r.watch(first);
    return r;
  }

  private void announce(Coordinator c) throws IOException {
    System.out.println(
        "taskgrid coordinator listening on "
            + c.target()
            + (c.metricsPort() < 0 ? "" : "; metrics on port " + c.metricsPort() + " (/metrics)"));
    Ports.writePortFile(portFile, c.port());
  }

  private void watch(Coordinator c) {
    var unused =
        c.rejoinNeeded()
            .thenRunAsync(
                this::restart,
                r -> {
                  Thread t = new Thread(r, "taskgrid-rejoin");
                  t.setDaemon(true);
                  t.start();
                });
  }

  private synchronized void restart() {
    if (closed) {
      return;
    }
    System.out.println("taskgrid coordinator: merged back into its cluster; starting afresh");
    current.close();
    try {
      current =
          Coordinator.startAfresh(
              options, Coordinator.FRESH_START_DEADLINE, Coordinator.FRESH_START_ATTEMPTS);
      announce(current);
    } catch (IOException | RuntimeException e) {
      System.err.println("taskgrid coordinator: could not start again after a rejoin: " + e);
      System.exit(1);
      return;
    }
    watch(current);
  }

  @Override
  public synchronized void close() {
    closed = true;
    current.close();
  }
}

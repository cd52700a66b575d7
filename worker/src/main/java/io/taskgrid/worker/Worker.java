package io.taskgrid.worker;

import static java.util.Objects.requireNonNull;

import io.taskgrid.worker.internal.WorkerAgent;
import java.util.OptionalInt;

/**
 * A running worker agent: an I/O event-loop pool and a CPU process pool, connected to every
 * coordinator of its {@link WorkerOptions}, reconnecting by itself when a stream fails.
 *
 * <p>Thread-safe. The caller owns the worker and must {@link #close()} it; closing stops the
 * streams (the coordinators re-queue what the worker held), the pools and the child processes.
 *
 * <pre>{@code
 * try (Worker worker = Worker.start(WorkerOptions.newBuilder()
 *     .coordinators(List.of("10.0.0.5:7070")).build())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Tests connect a worker to an in-process server with {@link
 * WorkerOptions.Builder#channels(java.util.List)}.
 */
public final class Worker implements AutoCloseable {
  private final WorkerAgent agent;

  private Worker(WorkerAgent agent) {
    this.agent = agent;
  }

  /**
   * Starts a worker and connects it (asynchronously) to each coordinator.
   *
   * @throws IllegalStateException if the handlers cannot be loaded, for example two with the same
   *     name
   */
  public static Worker start(WorkerOptions options) {
    requireNonNull(options, "options");
    return new Worker(WorkerAgent.start(options));
  }

  /** The worker's id, as announced to the coordinators. */
  public String id() {
    return agent.id();
  }

  /** The port of the worker's {@code /metrics} endpoint, if it serves one. */
  public OptionalInt metricsPort() {
    int port = agent.metricsPort();
    return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
  }

  /** Stops the worker: closes the streams, cancels what runs, kills the CPU children. */
  @Override
  public void close() {
    agent.close();
  }

  /**
   * Drains, then closes: takes no new work, waits up to {@code timeout} for the running tasks to
   * end and report, then stops (tasks still running are handed back to their coordinators, which
   * re-queue them). What {@code taskgrid worker} does on SIGTERM.
   *
   * @return whether every running task ended within the timeout
   */
  public boolean shutdownGracefully(java.time.Duration timeout) throws InterruptedException {
    try {
      return agent.drain(timeout);
    } finally {
      close();
    }
  }

  @Override
  public String toString() {
    return "Worker[" + agent.id() + "]";
  }
}

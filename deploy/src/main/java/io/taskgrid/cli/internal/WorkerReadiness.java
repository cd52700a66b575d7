package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * Waits until the cluster has workers for every pool a command uses, so that a demo's timings
 * measure the work and not a worker's connection.
 */
final class WorkerReadiness {
  private static final long POLL_MILLIS = 20;

  private WorkerReadiness() {}

  /**
   * Returns once connected workers offer slots in each of {@code pools}.
   *
   * @throws IllegalStateException if they do not within {@code timeout}, naming what is missing
   */
  static void await(TaskgridClient client, List<TaskPool> pools, Duration timeout, PrintWriter out)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean told = false;
    while (true) {
      List<TaskPool> missing = missing(client.workers(), pools);
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException(
            "no worker with a " + missing + " pool connected within " + timeout.toSeconds() + " s");
      }
      if (!told) {
        out.println("Waiting for workers with " + missing + " pools...");
        out.flush();
        told = true;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  static List<TaskPool> missing(List<WorkerInfo> workers, List<TaskPool> pools) {
    return pools.stream()
        .filter(pool -> workers.stream().mapToInt(w -> w.capacity(pool)).sum() == 0)
        .toList();
  }
}

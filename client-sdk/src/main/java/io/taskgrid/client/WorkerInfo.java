package io.taskgrid.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A worker connected to the cluster, as the coordinator sees it.
 *
 * @param workerId the worker's id
 * @param node the host it runs on
 * @param labels its labels
 * @param pools its pools, with their slots
 * @param connectedAt when it connected
 */
public record WorkerInfo(
    String workerId,
    String node,
    Map<String, String> labels,
    List<PoolInfo> pools,
    Instant connectedAt) {

  /**
   * One pool of a worker.
   *
   * @param pool which pool
   * @param capacity its slots in all
   * @param used the slots the coordinator has filled
   * @param handlers the task types it runs
   */
  public record PoolInfo(TaskPool pool, int capacity, int used, List<String> handlers) {
    /** Slots still free. */
    public int free() {
      return Math.max(0, capacity - used);
    }
  }

  /** This worker's slots in {@code pool} (0 if it has no such pool). */
  public int capacity(TaskPool pool) {
    return pools.stream().filter(p -> p.pool() == pool).mapToInt(PoolInfo::capacity).sum();
  }
}

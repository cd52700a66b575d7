package io.taskgrid.coordinator.internal.rpc;

/**
 * Bounds on what one client request or stream may ask.
 *
 * @param maxIdsPerRequest the most task ids in one attach, cancel or watch request
 * @param maxQueuedTasksPerSession the most live tasks submitted on one Session stream
 */
public record RequestLimits(int maxIdsPerRequest, long maxQueuedTasksPerSession) {
  public RequestLimits {
    if (maxIdsPerRequest <= 0) {
      throw new IllegalArgumentException(
          "maxIdsPerRequest: " + maxIdsPerRequest + " (expected: > 0)");
    }
    if (maxQueuedTasksPerSession <= 0) {
      throw new IllegalArgumentException(
          "maxQueuedTasksPerSession: " + maxQueuedTasksPerSession + " (expected: > 0)");
    }
  }
}

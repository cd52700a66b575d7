package io.taskgrid.coordinator.internal.rpc;

import java.time.Duration;

/**
 * The bounds of one server stream's outbound side.
 *
 * @param maxMessageBytes coalescing stops once a message would grow past this (a single larger item
 *     still goes, alone)
 * @param maxQueuedBytes the most bytes queued for a reader that does not read before its stream is
 *     failed; {@link Long#MAX_VALUE} for streams whose queue is bounded elsewhere (a worker's, by
 *     its credits)
 * @param notReadingTimeout how long a reader may leave queued messages unread before its stream is
 *     failed; {@link Duration#ZERO} never fails it
 */
record StreamLimits(int maxMessageBytes, long maxQueuedBytes, Duration notReadingTimeout) {
  StreamLimits {
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException(
          "maxMessageBytes: " + maxMessageBytes + " (expected: > 0)");
    }
    if (maxQueuedBytes <= 0) {
      throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes + " (expected: > 0)");
    }
    if (notReadingTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "notReadingTimeout: " + notReadingTimeout + " (expected: >= 0)");
    }
  }

  /**
   * A worker stream: what it is sent is bounded by the credits it grants, so it is never failed.
   */
  StreamLimits forWorkers() {
    return new StreamLimits(maxMessageBytes, Long.MAX_VALUE, Duration.ZERO);
  }
}

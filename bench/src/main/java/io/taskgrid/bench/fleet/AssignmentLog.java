package io.taskgrid.bench.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Recorder;

/**
 * Queue wait as the fleet sees it: from the client's submit call to the assignment arriving at a
 * simulated worker, both read from this JVM's {@link System#nanoTime}.
 */
final class AssignmentLog {
  private final Map<String, Long> submittedAt = new ConcurrentHashMap<>();
  private final Recorder waits = new Recorder(3);
  private final AtomicInteger streamErrors = new AtomicInteger();
  private volatile String firstError = "";

  void submitted(String taskId) {
    submittedAt.put(taskId, System.nanoTime());
  }

  void assigned(String taskId) {
    Long at = submittedAt.remove(taskId);
    if (at != null) {
      waits.recordValue(Math.max(0, (System.nanoTime() - at) / 1_000));
    }
  }

  void streamError(String worker, Throwable t) {
    if (streamErrors.getAndIncrement() == 0) {
      firstError = worker + ": " + t;
    }
  }

  /** The queue waits (microseconds) since the last call. */
  org.HdrHistogram.Histogram takeWaits() {
    return waits.getIntervalHistogram();
  }

  int streamErrors() {
    return streamErrors.get();
  }

  String firstError() {
    return firstError;
  }
}

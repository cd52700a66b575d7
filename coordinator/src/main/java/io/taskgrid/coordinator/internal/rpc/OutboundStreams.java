package io.taskgrid.coordinator.internal.rpc;

import com.google.protobuf.MessageLite;
import io.grpc.stub.ServerCallStreamObserver;
import io.taskgrid.coordinator.internal.sched.RetryTimer;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Opens {@link OutboundStream}s that share one pool of sender threads, one clock and one timer.
 *
 * @param executor the shared pool on which each stream's serial sender runs
 * @param limits the bounds of client streams (worker streams use {@link StreamLimits#forWorkers()})
 */
public record OutboundStreams(
    Executor executor, StreamLimits limits, Clock clock, RetryTimer timer) {

  /** Streams with the given bounds. */
  public static OutboundStreams of(
      Executor executor,
      int maxMessageBytes,
      long maxQueuedBytes,
      java.time.Duration notReadingTimeout,
      Clock clock,
      RetryTimer timer) {
    return new OutboundStreams(
        executor,
        new StreamLimits(maxMessageBytes, maxQueuedBytes, notReadingTimeout),
        clock,
        timer);
  }

  <T extends MessageLite> OutboundStream<T> client(
      String name,
      ServerCallStreamObserver<T> observer,
      BinaryOperator<@Nullable T> merge,
      Runnable onCancel) {
    return new OutboundStream<>(name, observer, executor, merge, onCancel, limits, clock, timer);
  }

  <T extends MessageLite> OutboundStream<T> worker(
      String name,
      ServerCallStreamObserver<T> observer,
      BinaryOperator<@Nullable T> merge,
      Runnable onCancel) {
    return new OutboundStream<>(
        name, observer, executor, merge, onCancel, limits.forWorkers(), clock, timer);
  }
}

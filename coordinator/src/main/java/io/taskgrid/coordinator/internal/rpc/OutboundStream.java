package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.taskgrid.coordinator.internal.concurrent.SerialExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of one server stream. Messages are queued and written by one serial executor
 * (StreamObserver is not thread-safe), only while the transport {@code isReady()} (outbound flow
 * control); the onReady handler resumes writing. Consecutive queued messages that {@code merge} can
 * combine are coalesced into one, so a slow reader gets fewer, larger messages. Methods never block
 * and may be called from any thread.
 */
final class OutboundStream<T> {
  private final ServerCallStreamObserver<T> observer;
  private final SerialExecutor executor;
  private final BinaryOperator<@Nullable T> merge;
  private final ArrayDeque<T> pending = new ArrayDeque<>();
  private boolean closed;
  private @Nullable Status closeWith;
  private boolean closeRequested;
  private volatile boolean cancelled;

  /**
   * @param merge returns the combination of the last queued and the next message, or null when they
   *     cannot be combined
   */
  OutboundStream(
      String name,
      ServerCallStreamObserver<T> observer,
      Executor delegate,
      BinaryOperator<@Nullable T> merge,
      Runnable onCancel) {
    this.observer = observer;
    this.executor = new SerialExecutor(name, delegate);
    this.merge = merge;
    observer.setOnReadyHandler(() -> executor.execute(this::drain));
    observer.setOnCancelHandler(
        () -> {
          cancelled = true;
          onCancel.run();
        });
  }

  void send(T message) {
    executor.execute(
        () -> {
          if (closed || closeRequested) {
            return;
          }
          T last = pending.peekLast();
          T merged = last == null ? null : merge.apply(last, message);
          if (merged != null) {
            pending.pollLast();
            pending.addLast(merged);
          } else {
            pending.addLast(message);
          }
          drain();
        });
  }

  /** Completes the stream after everything queued has been written. */
  void complete() {
    executor.execute(
        () -> {
          closeRequested = true;
          drain();
        });
  }

  /** Fails the stream at once, dropping what is queued. */
  void fail(Status status) {
    executor.execute(
        () -> {
          pending.clear();
          closeRequested = true;
          closeWith = status;
          drain();
        });
  }

  boolean isCancelled() {
    return cancelled;
  }

  private void drain() {
    if (closed) {
      return;
    }
    if (cancelled) {
      closed = true;
      pending.clear();
      return;
    }
    while (!pending.isEmpty() && observer.isReady()) {
      observer.onNext(pending.pollFirst());
    }
    if (closeRequested && pending.isEmpty()) {
      closed = true;
      Status status = closeWith;
      if (status == null) {
        observer.onCompleted();
      } else {
        observer.onError(status.asRuntimeException());
      }
    }
  }
}

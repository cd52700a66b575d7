package io.taskgrid.coordinator.internal.rpc;

import com.google.protobuf.MessageLite;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.taskgrid.coordinator.internal.concurrent.SerialExecutor;
import io.taskgrid.coordinator.internal.sched.RetryTimer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of one server stream. Messages are queued and written by one serial executor
 * (StreamObserver is not thread-safe), only while the transport {@code isReady()} (outbound flow
 * control); the onReady handler resumes writing. Consecutive queued messages that {@code merge} can
 * combine are coalesced into one while the result stays within {@link
 * StreamLimits#maxMessageBytes()}, so a slow reader gets fewer, larger messages, but never one its
 * inbound limit refuses. Methods never block and may be called from any thread.
 *
 * <p>A reader that leaves messages unread for {@link StreamLimits#notReadingTimeout()}, or lets
 * more than {@link StreamLimits#maxQueuedBytes()} pile up, has its stream failed with
 * RESOURCE_EXHAUSTED and the trailer {@link #REATTACH_KEY}: what was queued is dropped here, but
 * every dropped message is a copy of something the store keeps (a result, an ack of a stored task),
 * so a client that re-attaches gets it again.
 */
final class OutboundStream<T extends MessageLite> {
  /** Trailer telling the client that nothing was lost: reconnect and re-attach. */
  static final Metadata.Key<String> REATTACH_KEY =
      Metadata.Key.of("taskgrid-reattach", Metadata.ASCII_STRING_MARSHALLER);

  private final ServerCallStreamObserver<T> observer;
  private final SerialExecutor executor;
  private final BinaryOperator<@Nullable T> merge;
  private final StreamLimits limits;
  private final Clock clock;
  private final RetryTimer timer;
  private final ArrayDeque<T> pending = new ArrayDeque<>();

  /** Tells the stream's handler that the stream is over (the peer cancelled, or we closed it). */
  private final Runnable onEnd;

  // Confined to the executor.
  private long pendingBytes;
  private int lastBytes;
  private long stalledSinceMillis;
  private boolean checkScheduled;
  private boolean closed;
  private @Nullable Status closeWith;
  private @Nullable Metadata closeTrailers;
  private boolean closeRequested;

  private volatile boolean cancelled;

  /** Completes once the stream is over: closed by us, or cancelled by the peer. */
  private final CompletableFuture<Void> over = new CompletableFuture<>();

  /**
   * @param merge returns the combination of the last queued and the next message, or null when they
   *     cannot be combined
   */
  OutboundStream(
      String name,
      ServerCallStreamObserver<T> observer,
      Executor delegate,
      BinaryOperator<@Nullable T> merge,
      Runnable onCancel,
      StreamLimits limits,
      Clock clock,
      RetryTimer timer) {
    this.observer = observer;
    this.executor = new SerialExecutor(name, delegate);
    this.merge = merge;
    this.limits = limits;
    this.clock = clock;
    this.timer = timer;
    this.onEnd = onCancel;
    observer.setOnReadyHandler(() -> executor.execute(this::drain));
    observer.setOnCancelHandler(
        () -> {
          cancelled = true;
          over.complete(null);
          onCancel.run();
        });
  }

  /**
   * Queues {@code message}. A small one ({@link #INLINE_MAX_BYTES}: the ack, assignment or
   * completion of a round trip), sent from one of the coordinator's pool threads (a store
   * continuation, a scheduler step) with this stream idle, is written on the calling thread at
   * once: a thread hand-off here was on the path of every round trip. A large one (a batch's
   * completions) is handed to the stream's sender thread, so that its write does not hold up the
   * calling store or scheduler thread. Callers must hold no lock (see {@link
   * SerialExecutor#executeHere}); one that does uses {@link #sendLater}.
   */
  void send(T message) {
    if (message.getSerializedSize() <= INLINE_MAX_BYTES) {
      executor.executeHere(() -> enqueue(message));
    } else {
      executor.execute(() -> enqueue(message));
    }
  }

  /** The largest message {@link #send} may write on the calling thread. */
  static final int INLINE_MAX_BYTES = 16 * 1024;

  /** Queues {@code message} for the stream's sender thread; never writes on the calling thread. */
  void sendLater(T message) {
    executor.execute(() -> enqueue(message));
  }

  private void enqueue(T message) {
    assert executor.inThisExecutor();
    if (closed || closeRequested) {
      return;
    }
    int size = message.getSerializedSize();
    if (pending.isEmpty()) {
      stalledSinceMillis = clock.millis();
    }
    T last = pending.peekLast();
    // The merged message is never larger than the two apart (same fields, one envelope less), so
    // the running sum bounds it without serializing it again.
    T merged =
        last == null || (long) lastBytes + size > limits.maxMessageBytes()
            ? null
            : merge.apply(last, message);
    if (merged != null) {
      pending.pollLast();
      pending.addLast(merged);
      lastBytes += size;
    } else {
      pending.addLast(message);
      lastBytes = size;
    }
    pendingBytes += size;
    if (pendingBytes > limits.maxQueuedBytes()) {
      notReading(pendingBytes + " bytes queued unread (limit " + limits.maxQueuedBytes() + ")");
      return;
    }
    drain();
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
    executor.execute(() -> failNow(status, null));
  }

  /**
   * Fails the stream like {@link #fail}; the returned stage completes once the status is handed to
   * the transport (or the peer had cancelled), so a stopping server can close its streams itself,
   * with the status it chose, before it tears down the connections.
   */
  CompletableFuture<Void> failAndWait(Status status) {
    fail(status);
    return over;
  }

  private void failNow(Status status, @Nullable Metadata trailers) {
    if (closeRequested && closeWith != null) {
      return;
    }
    pending.clear();
    pendingBytes = 0;
    closeRequested = true;
    closeWith = status;
    closeTrailers = trailers;
    drain();
  }

  /** Completes once the stream is over (closed by us or cancelled by the peer). */
  CompletableFuture<Void> over() {
    return over;
  }

  boolean isCancelled() {
    return cancelled;
  }

  /** Bytes queued and not yet handed to the transport (for tests). */
  long pendingBytes() {
    return pendingBytes;
  }

  private void notReading(String why) {
    Metadata trailers = new Metadata();
    trailers.put(REATTACH_KEY, "true");
    failNow(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "client not reading: "
                + why
                + "; the stream is closed, nothing is lost: re-attach to get the results"),
        trailers);
    // gRPC reports no cancel for a call the server closed itself: the handler must stop
    // watching here, or it would keep subscriptions for a stream nobody reads.
    onEnd.run();
  }

  private void drain() {
    if (closed) {
      return;
    }
    if (cancelled) {
      closed = true;
      pending.clear();
      pendingBytes = 0;
      return;
    }
    while (!pending.isEmpty() && observer.isReady()) {
      T next = pending.pollFirst();
      pendingBytes -= next.getSerializedSize();
      if (pending.isEmpty()) {
        lastBytes = 0;
        pendingBytes = 0; // merged sizes are upper bounds: do not let the estimate drift
      }
      observer.onNext(next);
      stalledSinceMillis = clock.millis();
    }
    if (closeRequested && pending.isEmpty()) {
      closed = true;
      Status status = closeWith;
      try {
        if (status == null) {
          observer.onCompleted();
        } else {
          observer.onError(status.asRuntimeException(closeTrailers));
        }
      } finally {
        over.complete(null);
      }
      return;
    }
    if (!pending.isEmpty()) {
      scheduleStallCheck();
    }
  }

  /** While messages wait for a reader, checks after the timeout whether it read meanwhile. */
  private void scheduleStallCheck() {
    Duration timeout = limits.notReadingTimeout();
    if (timeout.isZero() || checkScheduled) {
      return;
    }
    checkScheduled = true;
    long due = stalledSinceMillis + timeout.toMillis() - clock.millis();
    timer.after(Duration.ofMillis(Math.max(1, due)), () -> executor.execute(this::checkStalled));
  }

  private void checkStalled() {
    checkScheduled = false;
    if (closed || closeRequested || pending.isEmpty()) {
      return;
    }
    long stalled = clock.millis() - stalledSinceMillis;
    if (stalled >= limits.notReadingTimeout().toMillis()) {
      notReading("nothing read for " + stalled / 1000 + " s");
    } else {
      scheduleStallCheck();
    }
  }
}

package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A server stream whose readiness the test sets; records what is written. Single-threaded. */
final class FakeServerStream<T> extends ServerCallStreamObserver<T> {
  final List<T> written = new ArrayList<>();
  boolean ready;
  @Nullable Throwable error;
  boolean completed;
  private @Nullable Runnable onReady;

  /** The reader reads again: the transport turns ready and says so. */
  void becomeReady() {
    ready = true;
    if (onReady != null) {
      onReady.run();
    }
  }

  Status status() {
    return error == null ? Status.OK : Status.fromThrowable(error);
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {
    this.onReady = onReadyHandler;
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {}

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}

  @Override
  public void onNext(T value) {
    written.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }
}

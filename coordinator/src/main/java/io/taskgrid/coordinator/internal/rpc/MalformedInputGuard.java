package io.taskgrid.coordinator.internal.rpc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an undecodable request message into INVALID_ARGUMENT for its own call, with one log line at
 * most every few seconds. grpc-java parses a request in its own listener and answers a parse
 * failure with {@code UNKNOWN: Application error processing RPC} and a stack trace per message;
 * here the service's methods take the raw {@link InputStream} (the same stream grpc would parse, so
 * no copy) and this class parses it with the method's own marshaller, where the failure can be
 * caught.
 */
public final class MalformedInputGuard {
  private static final Logger log = LoggerFactory.getLogger(MalformedInputGuard.class);

  private final RateLimitedLog rateLimited;

  public MalformedInputGuard(Clock clock) {
    this.rateLimited = new RateLimitedLog(log, clock, 10_000);
  }

  /** The same service, with every request parsed under this guard. */
  public ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      ServerMethodDefinition<?, ?> guarded = guardMethod(m);
      descriptor.addMethod(guarded.getMethodDescriptor());
      methods.add(guarded);
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private <Q, R> ServerMethodDefinition<InputStream, R> guardMethod(
      ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw =
        method.toBuilder(RawMarshaller.INSTANCE, method.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
    return ServerMethodDefinition.create(
        raw,
        (call, headers) -> {
          GuardedCall<Q, R> typed = new GuardedCall<>(call, method);
          ServerCall.Listener<Q> listener = handler.startCall(typed, headers);
          return new ParsingListener<>(listener, typed, method, this);
        });
  }

  void malformed(String method, RuntimeException e) {
    rateLimited.warn(
        "Refused an undecodable {} request (INVALID_ARGUMENT): {}", method, e.toString());
  }

  /** Passes the request's stream through unparsed. */
  private enum RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }

  /** Parses each message with the method's marshaller; a failure closes this call only. */
  private static final class ParsingListener<Q, R> extends ServerCall.Listener<InputStream> {
    private final ServerCall.Listener<Q> delegate;
    private final GuardedCall<Q, R> call;
    private final MethodDescriptor<Q, R> method;
    private final MalformedInputGuard guard;

    ParsingListener(
        ServerCall.Listener<Q> delegate,
        GuardedCall<Q, R> call,
        MethodDescriptor<Q, R> method,
        MalformedInputGuard guard) {
      this.delegate = delegate;
      this.call = call;
      this.method = method;
      this.guard = guard;
    }

    @Override
    public void onMessage(InputStream message) {
      if (call.closedByGuard()) {
        closeQuietly(message);
        return;
      }
      Q parsed;
      try {
        parsed = method.parseRequest(message);
      } catch (RuntimeException e) {
        closeQuietly(message);
        guard.malformed(method.getFullMethodName(), e);
        call.closeAsMalformed(
            Status.INVALID_ARGUMENT.withDescription(
                "malformed request: the message could not be decoded as "
                    + method.getFullMethodName()
                    + " input"));
        return;
      }
      delegate.onMessage(parsed);
    }

    private static void closeQuietly(InputStream in) {
      try {
        in.close();
      } catch (IOException e) {
        // Nothing to do: the bytes are dropped either way.
      }
    }

    @Override
    public void onHalfClose() {
      if (!call.closedByGuard()) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }

    @Override
    public void onReady() {
      delegate.onReady();
    }
  }

  /**
   * The call as the service sees it (typed requests). Once the guard closed it, the service's later
   * writes are dropped instead of failing on a closed call; the lock orders the guard's close (on a
   * transport thread) with the service's writes (on its sender thread).
   */
  private static final class GuardedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, R> delegate;
    private final MethodDescriptor<Q, R> method;

    @GuardedBy("this")
    private boolean closed;

    GuardedCall(ServerCall<InputStream, R> delegate, MethodDescriptor<Q, R> method) {
      this.delegate = delegate;
      this.method = method;
    }

    synchronized boolean closedByGuard() {
      return closed;
    }

    synchronized void closeAsMalformed(Status status) {
      if (!closed) {
        closed = true;
        delegate.close(status, new Metadata());
      }
    }

    @Override
    public synchronized void request(int numMessages) {
      if (!closed) {
        delegate.request(numMessages);
      }
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        delegate.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        delegate.sendMessage(message);
      }
    }

    @Override
    public synchronized boolean isReady() {
      return !closed && delegate.isReady();
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        delegate.close(status, trailers);
      }
    }

    @Override
    public boolean isCancelled() {
      return delegate.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      delegate.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      delegate.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      delegate.setOnReadyThreshold(numBytes);
    }

    @Override
    public @Nullable SecurityLevel getSecurityLevel() {
      return delegate.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return delegate.getAttributes();
    }

    @Override
    public @Nullable String getAuthority() {
      return delegate.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }
}

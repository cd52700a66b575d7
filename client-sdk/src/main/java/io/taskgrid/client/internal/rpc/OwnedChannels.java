package io.taskgrid.client.internal.rpc;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.taskgrid.client.internal.NamedThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Channels the client made itself (and so must shut down), with their bounded, named executor
 * ({@code taskgrid-client-grpc-N}).
 */
public final class OwnedChannels implements AutoCloseable {
  private static final int GRPC_THREADS = 2;

  /**
   * Keepalive pings while a call is open: a coordinator that stops answering (frozen, or its host
   * gone without a reset) is detected within {@code KEEPALIVE_TIME + KEEPALIVE_TIMEOUT}, and the
   * session fails over, instead of waiting for TCP. The coordinator permits pings this often. A 3 s
   * timeout was too short: in a 30-minute soak at a load average of 25-45 (with forced full GCs of
   * a 2 GB coordinator heap) a live coordinator missed it ten times, and each false failover
   * re-attached ~100,000 tasks; 10 s has room for a full GC on a loaded machine.
   */
  static final long KEEPALIVE_TIME_SECONDS = 5;

  static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

  private final List<ManagedChannel> channels;
  private final ExecutorService executor;

  private OwnedChannels(List<ManagedChannel> channels, ExecutorService executor) {
    this.channels = channels;
    this.executor = executor;
  }

  /** One plaintext channel per {@code host:port} target. */
  public static OwnedChannels plaintext(List<String> targets) {
    return create(targets, ChannelSecurity.PLAINTEXT);
  }

  /** One channel per {@code host:port} target, with TLS and a token as {@code security} says. */
  public static OwnedChannels create(List<String> targets, ChannelSecurity security) {
    ChannelCredentials credentials = security.channelCredentials();
    ExecutorService executor =
        Executors.newFixedThreadPool(GRPC_THREADS, new NamedThreadFactory("taskgrid-client-grpc"));
    List<ManagedChannel> channels = new ArrayList<>();
    for (String target : targets) {
      channels.add(
          Grpc.newChannelBuilder(target, credentials)
              .keepAliveTime(KEEPALIVE_TIME_SECONDS, TimeUnit.SECONDS)
              .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .executor(executor)
              .build());
    }
    return new OwnedChannels(List.copyOf(channels), executor);
  }

  /** The channels, in target order. */
  public List<Channel> channels() {
    return List.copyOf(channels);
  }

  /** Shuts the channels down, then their executor. */
  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdown);
    try {
      for (ManagedChannel channel : channels) {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      }
      executor.shutdown();
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      channels.forEach(ManagedChannel::shutdownNow);
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

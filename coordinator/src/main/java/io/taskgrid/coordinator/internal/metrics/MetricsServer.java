package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.taskgrid.coordinator.internal.concurrent.NamedThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The {@code /metrics} endpoint (Prometheus text format) on its own HTTP port. */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;
  private final String host;

  private MetricsServer(HTTPServer server, String host) {
    this.server = server;
    this.host = host;
  }

  /**
   * Serves {@code registry} on {@code host:port} ({@code port} 0 picks a free port).
   *
   * @throws IOException with the address in the message if the port cannot be bound
   */
  public static MetricsServer start(String host, int port, CollectorRegistry registry)
      throws IOException {
    // Scrapes are rare and short: two named threads are plenty.
    ExecutorService executor =
        Executors.newFixedThreadPool(2, new NamedThreadFactory("metrics-http"));
    try {
      HTTPServer server =
          new HTTPServer.Builder()
              .withInetSocketAddress(new InetSocketAddress(host, port))
              .withRegistry(registry)
              .withExecutorService(executor)
              .build();
      return new MetricsServer(server, host);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new IOException(
          "cannot serve metrics on " + host + ":" + port + " (" + e.getMessage() + ")", e);
    }
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /** The URL to scrape, with loopback standing in for a wildcard bind address. */
  public String url() {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return "http://" + h + ":" + port() + "/metrics";
  }

  @Override
  public void close() {
    server.close();
  }
}

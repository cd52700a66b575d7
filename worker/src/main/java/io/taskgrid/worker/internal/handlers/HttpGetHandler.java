package io.taskgrid.worker.internal.handlers;

import static java.util.Objects.requireNonNull;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.internal.http.GuardedHttpClient;
import io.taskgrid.worker.internal.http.HttpEgressPolicy;
import io.taskgrid.worker.internal.http.HttpGetException;
import io.taskgrid.worker.internal.http.Resolver;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code http.get}: fetches a URL and returns {@code {"url":..,"status":..,"body":..}}. A non-2xx
 * status still succeeds; a refused address, a body over the limit, the timeout or a connection
 * error fails the task with the reason.
 *
 * <p>The worker's {@link HttpEgressPolicy} decides what may be fetched: by default no loopback,
 * private, link-local, multicast or otherwise non-public address (checked for every resolved
 * address and every redirect), a body of at most 4 MiB and 60 s for the whole exchange. It blocks a
 * thread of the worker's bounded blocking pool for the exchange (see {@link GuardedHttpClient} for
 * why it is not the JDK's asynchronous client).
 */
public final class HttpGetHandler implements TaskHandler<String, HttpGetHandler.Response> {
  /** The JSON output of the handler. */
  public record Response(String url, int status, String body) {}

  private static final Codec<Response> OUTPUT = Codecs.json(Response.class);

  private final GuardedHttpClient client;

  /** With the default policy (what {@link java.util.ServiceLoader} makes). */
  public HttpGetHandler() {
    this(HttpEgressPolicy.defaults(), Clock.systemUTC());
  }

  /** With the worker's policy. */
  public HttpGetHandler(HttpEgressPolicy policy, Clock clock) {
    this.client = new GuardedHttpClient(requireNonNull(policy, "policy"), clock, Resolver.SYSTEM);
  }

  @Override
  public String name() {
    return "http.get";
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
  }

  @Override
  public boolean blocking() {
    return true;
  }

  @Override
  public Codec<String> inputCodec() {
    return Codecs.string();
  }

  @Override
  public Codec<Response> outputCodec() {
    return OUTPUT;
  }

  @Override
  public CompletionStage<Response> run(String input, TaskContext context) throws Exception {
    String url = input.trim();
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("http.get: '" + url + "' is not a valid URL", e);
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("http.get: '" + url + "' is not an http(s) URL");
    }
    GuardedHttpClient.Exchange exchange = new GuardedHttpClient.Exchange();
    context.onCancel(exchange::abort);
    GuardedHttpClient.Response r;
    try {
      r = client.get(uri, exchange);
    } catch (HttpGetException e) {
      throw new HttpGetException("http.get: " + e.getMessage(), e);
    } catch (java.net.ConnectException e) {
      // The JDK's message is often null: name the peer, keep the class (it marks the error
      // retryable and gives reason CONNECTION_FAILED).
      java.net.ConnectException named =
          new java.net.ConnectException(
              "http.get: could not connect to "
                  + uri.getHost()
                  + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                  + " ("
                  + (e.getMessage() == null ? "connection refused" : e.getMessage())
                  + ")");
      named.initCause(e);
      throw named;
    }
    return CompletableFuture.completedFuture(new Response(url, r.status(), decode(r)));
  }

  private static String decode(GuardedHttpClient.Response r) {
    Charset charset = StandardCharsets.UTF_8;
    if (r.charset() != null) {
      try {
        charset = Charset.forName(r.charset());
      } catch (IllegalArgumentException e) {
        // an unknown charset name: read it as UTF-8, like the JDK client did
      }
    }
    return new String(r.body(), charset);
  }
}

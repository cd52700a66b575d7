package io.taskgrid.worker.internal.handlers;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.internal.NamedThreadFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code http.get}: fetches a URL with the JDK's asynchronous HTTP client and returns {@code
 * {"url":..,"status":..,"body":..}}. A non-2xx status still succeeds; a connection error fails.
 */
public final class HttpGetHandler implements TaskHandler<String, HttpGetHandler.Response> {
  /** The JSON output of the handler. */
  public record Response(String url, int status, String body) {}

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Made on first use, so that loading the handler (which every CPU child does) starts no threads.
   */
  private static final class Client {
    /**
     * The client's own small executor (daemon threads): the client is shared by every task of the
     * process and lives as long as the class, so its threads must never keep the JVM alive.
     */
    private static final ExecutorService EXECUTOR =
        Executors.newFixedThreadPool(2, new NamedThreadFactory("taskgrid-worker-http", true));

    static final HttpClient INSTANCE =
        HttpClient.newBuilder()
            .executor(EXECUTOR)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private Client() {}
  }

  private static final Codec<Response> OUTPUT = Codecs.json(Response.class);

  @Override
  public String name() {
    return "http.get";
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
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
  public CompletionStage<Response> run(String input, TaskContext context) {
    String url = input.trim();
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("http.get: '" + url + "' is not an http(s) URL");
    }
    // The worker enforces the task's run timeout by cancelling the stage; this bound only stops a
    // request without one from hanging forever.
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(DEFAULT_REQUEST_TIMEOUT).GET().build();
    CompletableFuture<Response> response =
        Client.INSTANCE
            .sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .thenApply(r -> new Response(url, r.statusCode(), r.body()));
    context.onCancel(() -> response.cancel(true));
    return response;
  }
}

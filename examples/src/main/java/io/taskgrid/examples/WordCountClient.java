package io.taskgrid.examples;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskgridClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client app: cleans each document on the I/O pool, then counts its words on the CPU pool, and
 * prints the results. Run it against a cluster whose worker has the handlers (see README.md):
 *
 * <pre>
 * java -cp "examples.jar:lib/*" io.taskgrid.examples.WordCountClient 127.0.0.1:7070
 * </pre>
 */
public final class WordCountClient {
  private WordCountClient() {}

  /**
   * @param args the coordinator's host:port (default 127.0.0.1:7070), then an optional token
   */
  public static void main(String[] args) {
    ClientOptions.Builder options =
        ClientOptions.newBuilder().target(args.length > 0 ? args[0] : "127.0.0.1:7070");
    if (args.length > 1) {
      options.token(args[1]);
    }
    try (TaskgridClient client = TaskgridClient.connect(options.build())) {
      for (WordStats stats : run(client, sampleDocuments())) {
        System.out.println(stats.id() + ": " + stats.words() + " words, top " + stats.top());
      }
    }
  }

  /** Cleans then counts every document; the results in the documents' order. */
  public static List<WordStats> run(TaskgridClient client, List<Document> documents) {
    List<CompletableFuture<WordStats>> results = new ArrayList<>();
    for (Document document : documents) {
      // A task future composes like any CompletableFuture: the second task is submitted when the
      // first one's result arrives.
      TaskFuture<Document> cleaned = client.submit(ExampleTypes.CLEAN, document);
      results.add(cleaned.thenCompose(d -> client.submit(ExampleTypes.WORD_COUNT, d)));
    }
    return results.stream().map(CompletableFuture::join).toList();
  }

  static List<Document> sampleDocuments() {
    return List.of(
        new Document("seeds", "  The seeds  asked for a CPU job, a crawler and the seeds' sleeps. "),
        new Document("fox", "The quick brown fox jumps over the lazy dog; the dog sleeps."),
        new Document("grid", "Tasks, tasks and more tasks: the grid runs tasks."));
  }
}

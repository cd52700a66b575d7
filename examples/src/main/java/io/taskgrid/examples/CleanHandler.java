package io.taskgrid.examples;

import io.taskgrid.client.Codec;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * A custom I/O handler. It runs on the worker's event loop, thousands of tasks at once, so it must
 * not block: it returns a stage that completes later. Here the "remote call" is {@link
 * TaskContext#delay}; a real one would be an asynchronous HTTP or database client.
 */
public final class CleanHandler implements TaskHandler<Document, Document> {
  /** How long the pretend remote call takes. */
  static final Duration REMOTE_CALL = Duration.ofMillis(20);

  /** The service loader needs a public no-argument constructor. */
  public CleanHandler() {}

  @Override
  public String name() {
    return ExampleTypes.CLEAN.name();
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
  }

  @Override
  public Codec<Document> inputCodec() {
    return ExampleTypes.CLEAN.inputCodec();
  }

  @Override
  public Codec<Document> outputCodec() {
    return ExampleTypes.CLEAN.outputCodec();
  }

  @Override
  public CompletionStage<Document> run(Document input, TaskContext context) {
    if (input.text() == null) {
      // Thrown or failed stages make the task FAILED with this type and message.
      throw new IllegalArgumentException("document " + input.id() + " has no text");
    }
    return context
        .delay(REMOTE_CALL)
        .thenApply(
            unused ->
                new Document(
                    input.id(),
                    input.text().strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT)));
  }
}

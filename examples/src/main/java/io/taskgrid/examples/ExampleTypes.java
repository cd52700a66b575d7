package io.taskgrid.examples;

import io.taskgrid.client.Codecs;
import io.taskgrid.client.TaskType;

/**
 * The task types, shared by the client and the handlers: a name and two codecs. A client needs
 * only these (and taskgrid-client-sdk); the handler with the same name and codecs runs the tasks.
 */
public final class ExampleTypes {
  /** I/O: trims and normalises a document's text (a stand-in for a call to another service). */
  public static final TaskType<Document, Document> CLEAN =
      TaskType.of("examples.clean", Codecs.json(Document.class), Codecs.json(Document.class));

  /** CPU: counts a document's words and finds its most frequent ones. */
  public static final TaskType<Document, WordStats> WORD_COUNT =
      TaskType.of("examples.wordcount", Codecs.json(Document.class), Codecs.json(WordStats.class));

  private ExampleTypes() {}
}

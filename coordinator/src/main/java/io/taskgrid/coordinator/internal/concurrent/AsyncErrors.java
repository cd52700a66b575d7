package io.taskgrid.coordinator.internal.concurrent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What a failed stage's error is once the wrappers of the futures it passed through are off. */
public final class AsyncErrors {
  private AsyncErrors() {}

  /** {@code error} without its {@link CompletionException} and {@link ExecutionException} wraps. */
  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * The innermost cause as {@code SimpleName: message}: one line for a log or a status, where the
   * wraps (a Hazelcast exception in a completion in a retry) say nothing to the reader.
   */
  public static String rootMessage(Throwable error) {
    Throwable e = error;
    while (e.getCause() != null && e != e.getCause()) {
      e = e.getCause();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}

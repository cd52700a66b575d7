package io.taskgrid.worker.internal.http;

import java.io.IOException;

/** Why an {@code http.get} exchange failed; the message is what the task's failure shows. */
public final class HttpGetException extends IOException {
  private static final long serialVersionUID = 1L;

  public HttpGetException(String message) {
    super(message);
  }

  public HttpGetException(String message, Throwable cause) {
    super(message, cause);
  }
}

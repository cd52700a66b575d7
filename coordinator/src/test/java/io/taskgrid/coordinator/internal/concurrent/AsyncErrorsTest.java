package io.taskgrid.coordinator.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class AsyncErrorsTest {

  @Test
  void unwrap_stripsFutureWrapsOnly() {
    IOException cause = new IOException("disk", new IllegalStateException("inner"));
    Throwable wrapped = new CompletionException(new ExecutionException(cause));

    assertThat(AsyncErrors.unwrap(wrapped)).isSameAs(cause);
    assertThat(AsyncErrors.unwrap(cause)).isSameAs(cause);
    CompletionException bare = new CompletionException("no cause", null);
    assertThat(AsyncErrors.unwrap(bare)).isSameAs(bare);
  }

  @Test
  void rootMessage_namesTheInnermostCause() {
    Throwable error =
        new CompletionException(
            new IllegalStateException("retry failed", new IOException("connection reset")));

    assertThat(AsyncErrors.rootMessage(error)).isEqualTo("IOException: connection reset");
    assertThat(AsyncErrors.rootMessage(new IllegalArgumentException("bad")))
        .isEqualTo("IllegalArgumentException: bad");
  }
}

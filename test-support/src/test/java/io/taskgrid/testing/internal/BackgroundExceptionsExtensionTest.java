package io.taskgrid.testing.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The harness sees a background thread's uncaught exception, and lets an allowed one pass. */
class BackgroundExceptionsExtensionTest {
  @Test
  void threadDiesOfAnException_checkFailsNamingTheThreadAndTheError() throws Exception {
    dieInBackground("bg-boom", new IllegalStateException("boom"));

    assertThatThrownBy(() -> BackgroundExceptionsExtension.check(false, "during x"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 uncaught exception(s) on background threads during x")
        .hasMessageContaining("'bg-boom'")
        .hasMessageContaining("IllegalStateException: boom");
    // Taken: the next check sees nothing.
    assertThatCode(() -> BackgroundExceptionsExtension.check(false, "after"))
        .doesNotThrowAnyException();
  }

  @Test
  void allowed_recordedExceptionDropped() throws Exception {
    dieInBackground("bg-allowed", new IllegalStateException("expected"));

    assertThatCode(() -> BackgroundExceptionsExtension.check(true, "during y"))
        .doesNotThrowAnyException();
    assertThatCode(() -> BackgroundExceptionsExtension.check(false, "after"))
        .doesNotThrowAnyException();
  }

  private static void dieInBackground(String name, RuntimeException e) throws InterruptedException {
    Thread t =
        new Thread(
            () -> {
              throw e;
            },
            name);
    t.start();
    t.join();
  }
}

package io.taskgrid.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The callback executor grows while every thread is blocked, and shrinks back afterwards. */
class CallbackExecutorTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final CallbackExecutor executor = new CallbackExecutor(1, "test-callback");
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    executor.shutdownNow();
  }

  @Test
  void onlyThreadBlocked_queuedTaskRunsOnAnAddedThread_thenBackToOne() throws Exception {
    CountDownLatch blocking = new CountDownLatch(1);
    executor.execute(
        () -> {
          blocking.countDown();
          awaitQuietly(release);
        });
    assertThat(blocking.await(30, TimeUnit.SECONDS)).isTrue();
    CountDownLatch ran = new CountDownLatch(1);

    executor.execute(ran::countDown);

    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.getCorePoolSize()).isEqualTo(2);
    release.countDown();
    await().atMost(WAIT).until(() -> executor.getCorePoolSize() == 1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

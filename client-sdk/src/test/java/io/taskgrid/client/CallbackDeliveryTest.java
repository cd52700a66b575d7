package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Completion callbacks with the default settings (issue 12): one delivery per completion, and a
 * callback that blocks, on a latch or on a sibling future, stalls neither the other futures nor its
 * own delivery batch, even when there are as many blocking callbacks as default callback threads.
 */
class CallbackDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int BLOCKING = ClientOptions.DEFAULT_CALLBACK_THREADS;

  private InProcessCoordinator coordinator;
  private FakeTaskService fake;
  private TaskgridClient client;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws Exception {
    coordinator = new InProcessCoordinator();
    fake = coordinator.fake;
    client = coordinator.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    coordinator.close();
  }

  @Test
  void callbacksBlockedOnALatch_thousandOtherFuturesStillComplete() {
    List<TaskFuture<String>> blocked = submit(BLOCKING);
    List<TaskFuture<String>> others = submit(1_000);
    CountDownLatch blocking = new CountDownLatch(BLOCKING);
    List<CompletableFuture<Void>> blockedCallbacks = new ArrayList<>();
    for (TaskFuture<String> f : blocked) {
      blockedCallbacks.add(
          f.thenRun(
              () -> {
                blocking.countDown();
                awaitQuietly(release);
              }));
    }
    List<CompletableFuture<String>> otherCallbacks = new ArrayList<>();
    for (TaskFuture<String> f : others) {
      otherCallbacks.add(f.thenApply(v -> v));
    }
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == BLOCKING + 1_000);

    // The blocking ones first, so that they hold every default callback thread.
    complete(blocked);
    await().atMost(WAIT).until(() -> blocking.getCount() == 0);
    complete(others);

    CompletableFuture<Void> all =
        CompletableFuture.allOf(otherCallbacks.toArray(CompletableFuture<?>[]::new));
    assertThat(all).succeedsWithin(WAIT);
    for (int i = 0; i < others.size(); i++) {
      assertThat(otherCallbacks.get(i).join()).isEqualTo("v" + (BLOCKING + i));
    }
    assertThat(blockedCallbacks).allSatisfy(c -> assertThat(c).isNotDone());

    release.countDown();
    assertThat(CompletableFuture.allOf(blockedCallbacks.toArray(CompletableFuture<?>[]::new)))
        .succeedsWithin(WAIT);
  }

  @Test
  void callbacksWaitingForASibling_siblingInTheSameDeliveryBatch_noDeadlock() {
    List<TaskFuture<String>> waiting = submit(BLOCKING);
    TaskFuture<String> sibling = submit(1).get(0);
    List<CompletableFuture<String>> callbacks = new ArrayList<>();
    for (TaskFuture<String> f : waiting) {
      callbacks.add(f.thenApply(v -> v + "+" + sibling.join()));
    }
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == BLOCKING + 1);

    // One message: the waiting ones' completions come first, the sibling's behind them.
    List<TaskFuture<String>> batch = new ArrayList<>(waiting);
    batch.add(sibling);
    complete(batch);

    assertThat(CompletableFuture.allOf(callbacks.toArray(CompletableFuture<?>[]::new)))
        .succeedsWithin(WAIT);
    assertThat(callbacks.get(0).join()).isEqualTo("v0+v" + BLOCKING);
  }

  private int submitted;

  private List<TaskFuture<String>> submit(int n) {
    List<TaskFuture<String>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(client.submit(TaskTypes.ECHO, "v" + submitted++));
    }
    return futures;
  }

  /** Completes the futures in one Completions message, with their inputs as outputs. */
  private void complete(List<TaskFuture<String>> futures) {
    List<TaskResult> results = new ArrayList<>();
    for (TaskFuture<String> f : futures) {
      String input =
          fake.submittedSpecs().stream()
              .filter(s -> s.getId().equals(f.taskId()))
              .findFirst()
              .orElseThrow()
              .getPayload()
              .getData()
              .toStringUtf8();
      results.add(
          TaskResult.newBuilder()
              .setTaskId(f.taskId())
              .setOutcome(Outcome.SUCCEEDED)
              .setOutput(
                  Payload.newBuilder()
                      .setData(ByteString.copyFromUtf8(input))
                      .setContentType(Codecs.TEXT))
              .build());
    }
    fake.complete(results.toArray(TaskResult[]::new));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

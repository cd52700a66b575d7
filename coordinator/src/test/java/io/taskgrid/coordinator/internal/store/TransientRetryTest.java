package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransientRetryTest {
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "store-executor"));
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final TransientRetry retry =
      new TransientRetry(executor, Duration.ofMillis(1), Duration.ofMillis(4), stopped::get);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void timedOutTwice_thirdAttemptStands_onTheExecutor() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<String> completedOn = new AtomicReference<>();

    String value =
        retry
            .run(
                "write",
                () ->
                    calls.incrementAndGet() <= 2
                        ? CompletableFuture.failedFuture(
                            new OperationTimeoutException("not started within the call timeout"))
                        : CompletableFuture.completedFuture("stored"))
            .whenComplete((v, e) -> completedOn.set(Thread.currentThread().getName()))
            .get(10, TimeUnit.SECONDS);

    assertThat(value).isEqualTo("stored");
    assertThat(calls).hasValue(3);
    assertThat(retry.retries()).isEqualTo(2);
    assertThat(completedOn).hasValue("store-executor");
  }

  @Test
  void lastingFailure_failsAtOnceWithoutRetry() {
    AtomicInteger calls = new AtomicInteger();

    CompletableFuture<String> result =
        retry.run(
            "write",
            () -> {
              calls.incrementAndGet();
              return CompletableFuture.failedFuture(
                  new HazelcastInstanceNotActiveException("shut down"));
            });

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(HazelcastInstanceNotActiveException.class);
    assertThat(calls).hasValue(1);
    assertThat(retry.retries()).isZero();
  }

  @Test
  void storeStopped_theTransientFailureIsReturned() {
    stopped.set(true);

    CompletableFuture<String> result =
        retry.run(
            "write", () -> CompletableFuture.failedFuture(new OperationTimeoutException("slow")));

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(OperationTimeoutException.class);
  }

  @Test
  void isTransient_unwrapsCompletionAndKnowsHazelcastsRetryableFailures() {
    assertThat(
            TransientRetry.isTransient(
                new CompletionException(new OperationTimeoutException("slow"))))
        .isTrue();
    assertThat(TransientRetry.isTransient(new TargetNotMemberException("moved"))).isTrue();
    assertThat(TransientRetry.isTransient(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void writeThrowingInsteadOfFailing_isAFailureNotACrash() {
    CompletableFuture<String> result =
        retry.run(
            "write",
            () -> {
              throw new IllegalArgumentException("bad record");
            });

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }
}

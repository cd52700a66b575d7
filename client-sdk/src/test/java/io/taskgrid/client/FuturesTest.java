package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FuturesTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration SHORT = Duration.ofMillis(20);

  @Test
  void gather_allSucceed_valuesInInputOrder() {
    CompletableFuture<Integer> a = new CompletableFuture<>();
    CompletableFuture<Integer> b = new CompletableFuture<>();
    CompletableFuture<List<Integer>> all = Futures.gather(List.of(a, b));

    b.complete(2);
    assertThat(all).isNotDone();
    a.complete(1);

    assertThat(all).succeedsWithin(WAIT).isEqualTo(List.of(1, 2));
  }

  @Test
  void gather_oneFails_failsFastWithTheOriginalException() {
    CompletableFuture<Integer> a = new CompletableFuture<>();
    CompletableFuture<Integer> b = new CompletableFuture<>();
    CompletableFuture<List<Integer>> all = Futures.gather(List.of(a, b));
    TaskFailedException boom = new TaskFailedException("t1", "E", "boom", "", false, null);

    b.completeExceptionally(boom);

    assertThat(a).isNotDone();
    assertThat(all)
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isSameAs(boom);
  }

  @Test
  void gather_empty_completesWithEmptyList() {
    assertThat(Futures.gather(List.<CompletableFuture<Integer>>of()))
        .succeedsWithin(WAIT)
        .isEqualTo(List.of());
  }

  @Test
  void gatherSettled_mixedOutcomes_reportsEachInOrder() {
    CompletableFuture<String> ok = CompletableFuture.completedFuture("v");
    CompletableFuture<String> failed =
        CompletableFuture.failedFuture(new IllegalStateException("x"));
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    cancelled.cancel(false);

    List<Settled<String>> settled = Futures.gatherSettled(List.of(ok, failed, cancelled)).join();

    assertThat(settled.get(0)).isEqualTo(new Settled<>("v", null));
    assertThat(settled.get(1).error()).isInstanceOf(IllegalStateException.class);
    assertThat(settled.get(2).error())
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(settled).extracting(Settled::succeeded).containsExactly(true, false, false);
  }

  @Test
  void asCompleted_futuresCompleteOutOfOrder_yieldedInCompletionOrder() throws Exception {
    List<CompletableFuture<Integer>> fs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      fs.add(new CompletableFuture<>());
    }
    AsCompleted<CompletableFuture<Integer>> inOrder = Futures.asCompleted(fs);
    fs.get(2).complete(2);
    fs.get(0).complete(0);
    fs.get(1).complete(1);

    List<Integer> seen = new ArrayList<>();
    for (CompletableFuture<Integer> f : inOrder) {
      seen.add(f.join());
    }

    assertThat(seen).containsExactly(2, 0, 1);
    assertThat(inOrder.hasNext()).isFalse();
  }

  @Test
  void asCompleted_timeoutWithPending_throwsTimeoutSayingHowManyPending() throws Exception {
    CompletableFuture<Integer> done = CompletableFuture.completedFuture(1);
    CompletableFuture<Integer> never = new CompletableFuture<>();
    CompletableFuture<Integer> never2 = new CompletableFuture<>();
    AsCompleted<CompletableFuture<Integer>> it =
        Futures.asCompleted(List.of(done, never, never2), SHORT);

    assertThat(it.next()).isSameAs(done);
    assertThatThrownBy(it::next)
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("2 of 3");
  }

  @Test
  void wait_firstCompleted_returnsOnceOneIsDone() throws Exception {
    CompletableFuture<Integer> a = new CompletableFuture<>();
    CompletableFuture<Integer> b = CompletableFuture.completedFuture(2);

    DoneAndPending<CompletableFuture<Integer>> r =
        Futures.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED, WAIT);

    assertThat(r.done()).containsExactly(b);
    assertThat(r.pending()).containsExactly(a);
  }

  @Test
  void wait_firstException_returnsOnFailureWithOthersPending() throws Exception {
    CompletableFuture<Integer> ok = CompletableFuture.completedFuture(1);
    CompletableFuture<Integer> failed = CompletableFuture.failedFuture(new IllegalStateException());
    CompletableFuture<Integer> open = new CompletableFuture<>();

    DoneAndPending<CompletableFuture<Integer>> r =
        Futures.wait(List.of(ok, failed, open), ReturnWhen.FIRST_EXCEPTION, WAIT);

    assertThat(r.done()).containsExactly(ok, failed);
    assertThat(r.pending()).containsExactly(open);
  }

  @Test
  void wait_allCompletedWithOnePending_timesOutAndReportsIt() throws Exception {
    CompletableFuture<Integer> ok = CompletableFuture.completedFuture(1);
    CompletableFuture<Integer> open = new CompletableFuture<>();

    DoneAndPending<CompletableFuture<Integer>> r =
        Futures.wait(List.of(ok, open), ReturnWhen.ALL_COMPLETED, SHORT);

    assertThat(r.done()).containsExactly(ok);
    assertThat(r.pending()).containsExactly(open);
    assertThat(open).isNotDone();
  }

  @Test
  void wait_allCompleted_allDone() throws Exception {
    CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
    CompletableFuture<Integer> b = CompletableFuture.failedFuture(new IllegalStateException());

    DoneAndPending<CompletableFuture<Integer>> r =
        Futures.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED, WAIT);

    assertThat(r.done()).containsExactly(a, b);
    assertThat(r.pending()).isEmpty();
  }

  @Test
  void waitFor_notDoneInTime_cancelsAndThrowsTimeout() {
    CompletableFuture<Integer> slow = new CompletableFuture<>();

    assertThatThrownBy(() -> Futures.waitFor(slow, SHORT)).isInstanceOf(TimeoutException.class);

    assertThat(slow.isCancelled()).isTrue();
  }

  @Test
  void waitFor_doneInTime_returnsValue() throws Exception {
    assertThat(Futures.waitFor(CompletableFuture.completedFuture(7), WAIT)).isEqualTo(7);
  }
}

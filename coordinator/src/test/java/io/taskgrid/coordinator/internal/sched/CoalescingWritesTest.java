package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescingWritesTest {
  /** The writes issued, each held until the test completes it. */
  private final List<Held> issued = new CopyOnWriteArrayList<>();

  private record Held(CoalescingWrites.Batch<Integer> batch, CompletableFuture<Void> done) {}

  private CompletionStage<Void> hold(CoalescingWrites.Batch<Integer> batch) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    issued.add(new Held(batch, done));
    return done;
  }

  @Test
  void withNothingInFlight_aWriteGoesAtOnce() {
    CoalescingWrites<Integer> writes = new CoalescingWrites<>(2, 100, this::hold);

    writes.submit(List.of(1, 2));

    assertThat(issued).hasSize(1);
    assertThat(issued.get(0).batch()).isEqualTo(new CoalescingWrites.Batch<>(List.of(1, 2), 1));
  }

  @Test
  void pastMaxInFlight_callsWaitAndGoAsOneWrite_inOrder_whenAWriteEnds() {
    CoalescingWrites<Integer> writes = new CoalescingWrites<>(2, 100, this::hold);

    for (int i = 1; i <= 5; i++) {
      writes.submit(List.of(i));
    }

    assertThat(issued).hasSize(2);
    assertThat(writes.waiting()).isEqualTo(3);
    assertThat(writes.inFlight()).isEqualTo(2);
    issued.get(1).done().complete(null);
    assertThat(issued).hasSize(3);
    assertThat(issued.get(2).batch()).isEqualTo(new CoalescingWrites.Batch<>(List.of(3, 4, 5), 3));
    assertThat(writes.waiting()).isZero();
    assertThat(writes.inFlight()).isEqualTo(2);
    issued.get(0).done().complete(null);
    issued.get(2).done().complete(null);
    assertThat(writes.inFlight()).isZero();
  }

  @Test
  void aFailedWrite_freesItsPlaceAsASuccessfulOneDoes() {
    CoalescingWrites<Integer> writes = new CoalescingWrites<>(1, 100, this::hold);
    writes.submit(List.of(1));
    writes.submit(List.of(2));

    issued.get(0).done().completeExceptionally(new IllegalStateException("store refused"));

    assertThat(issued).hasSize(2);
    assertThat(issued.get(1).batch().records()).containsExactly(2);
  }

  @Test
  void aWriterThatThrows_freesItsPlaceToo() {
    AtomicInteger calls = new AtomicInteger();
    CoalescingWrites<Integer> writes =
        new CoalescingWrites<>(
            1,
            100,
            batch -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("could not even issue");
              }
              return hold(batch);
            });

    writes.submit(List.of(1));
    writes.submit(List.of(2));

    assertThat(issued).extracting(h -> h.batch().records()).containsExactly(List.of(2));
  }

  @Test
  void aMergedWrite_holdsAtMostMaxBatchRecords_neverSplittingACall() {
    CoalescingWrites<Integer> writes = new CoalescingWrites<>(1, 4, this::hold);
    writes.submit(List.of(0));
    writes.submit(List.of(1, 2));
    writes.submit(List.of(3, 4));
    writes.submit(List.of(5, 6, 7, 8, 9, 10)); // larger than maxBatch: goes alone, whole
    writes.submit(List.of(11));

    issued.get(0).done().complete(null);
    issued.get(1).done().complete(null);
    issued.get(2).done().complete(null);

    assertThat(issued)
        .extracting(Held::batch)
        .containsExactly(
            new CoalescingWrites.Batch<>(List.of(0), 1),
            new CoalescingWrites.Batch<>(List.of(1, 2, 3, 4), 2),
            new CoalescingWrites.Batch<>(List.of(5, 6, 7, 8, 9, 10), 1),
            new CoalescingWrites.Batch<>(List.of(11), 1));
  }

  @Test
  void invalidLimits_areRefused() {
    assertThatThrownBy(() -> new CoalescingWrites<Integer>(0, 1, this::hold))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CoalescingWrites<Integer>(1, 0, this::hold))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Threads submitting while other threads end writes: every record is written once, every call is
   * counted once, and no more than maxInFlight writes are ever in flight.
   */
  @Test
  void concurrentSubmitsAndCompletions_writeEveryRecordOnce_withinTheLimit() throws Exception {
    int maxInFlight = 3;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger calls = new AtomicInteger();
    ExecutorService completer = Executors.newFixedThreadPool(2);
    CoalescingWrites<Integer> writes =
        new CoalescingWrites<>(
            maxInFlight,
            50,
            batch -> {
              mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              written.addAll(batch.records());
              calls.addAndGet(batch.calls());
              return CompletableFuture.runAsync(inFlight::decrementAndGet, completer);
            });
    int threads = 4;
    int perThread = 5_000;
    ExecutorService submitters = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      running.add(
          submitters.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  writes.submit(List.of(base + i));
                }
                return null;
              }));
    }
    start.countDown();
    for (var f : running) {
      f.get(60, TimeUnit.SECONDS);
    }
    submitters.shutdown();
    // The last writes are issued from the completer's threads as earlier ones end.
    int total = threads * perThread;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> written.size() >= total && inFlight.get() == 0);
    completer.shutdown();
    assertThat(completer.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    assertThat(written).hasSize(total).doesNotHaveDuplicates();
    assertThat(calls.get()).isEqualTo(total);
    assertThat(mostInFlight.get()).isLessThanOrEqualTo(maxInFlight);
  }
}

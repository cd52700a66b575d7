package io.taskgrid.coordinator.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  /** Stands for the coordinator's store pool: its threads are pool threads. */
  private final ExecutorService pool = Executors2.fixed("serial-test-pool", 1);

  /** The serial executors' delegate, like the scheduler pool. */
  private final ExecutorService delegate = Executors2.fixed("serial-test-delegate", 1);

  @AfterEach
  void stop() {
    Executors2.shutdown(pool, Duration.ofSeconds(1));
    Executors2.shutdown(delegate, Duration.ofSeconds(1));
  }

  private <T> T onPoolThread(java.util.concurrent.Callable<T> body) throws Exception {
    return pool.submit(body).get(10, TimeUnit.SECONDS);
  }

  @Test
  void executeHere_fromAPoolThreadWhileIdle_runsOnTheCallingThreadBeforeReturning()
      throws Exception {
    SerialExecutor serial = new SerialExecutor("s", delegate);
    List<String> seen =
        onPoolThread(
            () -> {
              List<String> events = new ArrayList<>();
              Thread caller = Thread.currentThread();
              serial.executeHere(
                  () ->
                      events.add(
                          "ran on caller="
                              + (Thread.currentThread() == caller)
                              + " confined="
                              + serial.inThisExecutor()));
              events.add("returned confined=" + serial.inThisExecutor());
              return events;
            });
    assertThat(seen).containsExactly("ran on caller=true confined=true", "returned confined=false");
  }

  @Test
  void executeHere_fromAThreadThatIsNotAPoolThread_handsOffToTheDelegate() {
    Queue<Runnable> handedOff = new ConcurrentLinkedQueue<>();
    SerialExecutor serial = new SerialExecutor("s", handedOff::add);
    List<String> events = new ArrayList<>();

    // The test thread stands for a gRPC event loop or a Hazelcast thread.
    serial.executeHere(() -> events.add("ran"));

    assertThat(events).isEmpty();
    assertThat(handedOff).hasSize(1);
    handedOff.poll().run();
    assertThat(events).containsExactly("ran");
  }

  @Test
  void executeHere_whileATaskRuns_queuesBehindItAndRunsOnTheExecutorsThread() throws Exception {
    SerialExecutor serial = new SerialExecutor("s", delegate);
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    Queue<String> order = new ConcurrentLinkedQueue<>();
    CompletableFuture<Thread> secondRanOn = new CompletableFuture<>();
    serial.execute(
        () -> {
          firstStarted.countDown();
          awaitQuietly(releaseFirst);
          order.add("first");
        });
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();

    Thread caller =
        onPoolThread(
            () -> {
              serial.executeHere(
                  () -> {
                    order.add("second");
                    secondRanOn.complete(Thread.currentThread());
                  });
              return Thread.currentThread();
            });
    assertThat(order).isEmpty();

    releaseFirst.countDown();
    Thread ranOn = secondRanOn.get(10, TimeUnit.SECONDS);
    assertThat(order).containsExactly("first", "second");
    assertThat(ranOn).isNotSameAs(caller);
    assertThat(ranOn.getName()).startsWith("taskgrid-coordinator-serial-test-delegate-");
  }

  @Test
  void executeHere_insideAnotherSerialExecutorsTask_runsInlineAndKeepsBothConfinements()
      throws Exception {
    SerialExecutor outer = new SerialExecutor("outer", delegate);
    SerialExecutor inner = new SerialExecutor("inner", delegate);
    List<String> seen =
        onPoolThread(
            () -> {
              List<String> events = new ArrayList<>();
              outer.executeHere(
                  () -> {
                    inner.executeHere(
                        () ->
                            events.add(
                                "inner: outer="
                                    + outer.inThisExecutor()
                                    + " inner="
                                    + inner.inThisExecutor()));
                    // Posted to the executor that is running: queued, runs after this task.
                    outer.executeHere(() -> events.add("outer again"));
                    events.add("outer: inner=" + inner.inThisExecutor());
                  });
              return events;
            });
    assertThat(seen)
        .containsExactly("inner: outer=true inner=true", "outer: inner=false", "outer again");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

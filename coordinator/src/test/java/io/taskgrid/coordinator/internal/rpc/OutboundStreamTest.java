package io.taskgrid.coordinator.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.taskgrid.coordinator.internal.concurrent.Executors2;
import io.taskgrid.proto.v1.Completions;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutboundStreamTest {
  private static final int BUDGET = 1024 * 1024;

  private final MutableClock clock = new MutableClock();
  private final List<Runnable> timers = new ArrayList<>();
  private final FakeServerStream<ServerMessage> observer = new FakeServerStream<>();

  private OutboundStream<ServerMessage> stream(long maxQueuedBytes, Duration notReading) {
    return new OutboundStream<>(
        "test",
        observer,
        Runnable::run,
        Messages::merge,
        () -> {},
        new StreamLimits(BUDGET, maxQueuedBytes, notReading),
        clock,
        (delay, task) -> timers.add(task));
  }

  private static ServerMessage completion(String id, int outputBytes) {
    return ServerMessage.newBuilder()
        .setCompletions(
            Completions.newBuilder()
                .addResults(
                    TaskResult.newBuilder()
                        .setTaskId(id)
                        .setOutput(
                            Payload.newBuilder()
                                .setData(ByteString.copyFrom(new byte[outputBytes])))))
        .build();
  }

  @Test
  void send_fromAPoolThread_writesASmallMessageThereAndHandsALargeOneToTheSender()
      throws Exception {
    Queue<Runnable> handedOff = new ConcurrentLinkedQueue<>();
    OutboundStream<ServerMessage> out =
        new OutboundStream<>(
            "test",
            observer,
            handedOff::add,
            Messages::merge,
            () -> {},
            new StreamLimits(BUDGET, Long.MAX_VALUE, Duration.ZERO),
            clock,
            (delay, task) -> timers.add(task));
    observer.ready = true; // (without the on-ready callback, which would post a drain)
    // Stands for a store thread completing a write.
    ExecutorService store = Executors2.fixed("outbound-test-store", 1);
    try {
      List<String> seen =
          store
              .submit(
                  () -> {
                    List<String> events = new ArrayList<>();
                    out.send(completion("small", 100));
                    events.add("after small: written " + observer.written.size());
                    out.send(completion("large", OutboundStream.INLINE_MAX_BYTES + 1));
                    events.add("after large: written " + observer.written.size());
                    return events;
                  })
              .get(10, TimeUnit.SECONDS);

      assertThat(seen).containsExactly("after small: written 1", "after large: written 1");
      assertThat(handedOff).hasSize(1);
      handedOff.poll().run();
      assertThat(observer.written)
          .extracting(m -> m.getCompletions().getResults(0).getTaskId())
          .containsExactly("small", "large");
    } finally {
      Executors2.shutdown(store, Duration.ofSeconds(1));
    }
  }

  @Test
  void send_whileNotReady_coalescesOnlyWithinTheByteBudget() {
    OutboundStream<ServerMessage> out = stream(Long.MAX_VALUE, Duration.ZERO);

    for (int i = 0; i < 20; i++) {
      out.send(completion("t" + i, 300_000));
    }
    observer.becomeReady();

    assertThat(observer.written)
        .allSatisfy(m -> assertThat(m.getSerializedSize()).isLessThanOrEqualTo(BUDGET));
    assertThat(observer.written.size()).isBetween(6, 10);
    assertThat(observer.written)
        .flatExtracting(m -> m.getCompletions().getResultsList())
        .extracting(TaskResult::getTaskId)
        .hasSize(20)
        .startsWith("t0", "t1")
        .endsWith("t19");
  }

  @Test
  void send_oneItemLargerThanTheBudget_goesAloneAndIsNotMergedWith() {
    OutboundStream<ServerMessage> out = stream(Long.MAX_VALUE, Duration.ZERO);

    out.send(completion("small", 10));
    out.send(completion("huge", 2 * BUDGET));
    out.send(completion("after", 10));
    observer.becomeReady();

    assertThat(observer.written)
        .extracting(m -> m.getCompletions().getResultsCount())
        .containsExactly(1, 1, 1);
  }

  @Test
  void readerNotReadingForTheTimeout_streamFailsResourceExhaustedWithReattachTrailer() {
    OutboundStream<ServerMessage> out = stream(Long.MAX_VALUE, Duration.ofSeconds(5));
    out.send(completion("a", 10));
    assertThat(timers).hasSize(1);

    clock.advance(Duration.ofSeconds(3));
    runTimers();
    assertThat(observer.error).as("not yet: 3 s of 5").isNull();

    clock.advance(Duration.ofSeconds(2));
    runTimers();

    assertThat(observer.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(observer.status().getDescription()).contains("client not reading", "5 s");
    assertThat(Status.trailersFromThrowable(observer.error).get(OutboundStream.REATTACH_KEY))
        .isEqualTo("true");
    assertThat(observer.written).isEmpty();
  }

  @Test
  void readerThatReadsInBetween_isNotFailed() {
    OutboundStream<ServerMessage> out = stream(Long.MAX_VALUE, Duration.ofSeconds(5));
    out.send(completion("a", 10));
    clock.advance(Duration.ofSeconds(4));
    observer.becomeReady();
    observer.ready = false;
    out.send(completion("b", 10));

    clock.advance(Duration.ofSeconds(2));
    runTimers();

    assertThat(observer.error).isNull();
    assertThat(observer.written).hasSize(1);
  }

  @Test
  void queuedBytesOverTheBound_streamFailsAtOnce() {
    OutboundStream<ServerMessage> out = stream(3L * BUDGET, Duration.ZERO);

    for (int i = 0; i < 4; i++) {
      out.send(completion("t" + i, BUDGET - 100));
    }

    assertThat(observer.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(observer.status().getDescription()).contains("bytes queued unread");
    assertThat(out.pendingBytes()).isZero();
  }

  private void runTimers() {
    List<Runnable> due = new ArrayList<>(timers);
    timers.clear();
    due.forEach(Runnable::run);
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}

package io.taskgrid.worker.internal.handlers;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.CpuTaskHandler;
import io.taskgrid.worker.TaskContext;
import java.nio.charset.StandardCharsets;

/**
 * {@code spin}: burns CPU for the given milliseconds (forever if {@code <= 0} or empty) and ignores
 * interrupts, so that only killing its process stops it; for tests of forced cancels and hard
 * timeouts. It reports its progress (time spun) every 50 ms.
 */
public final class SpinHandler extends CpuTaskHandler<Long, Long> {
  /** Decimal millis; empty input reads as 0 (forever). */
  private static final Codec<Long> INPUT =
      new Codec<>() {
        @Override
        public String contentType() {
          return Codecs.DECIMAL;
        }

        @Override
        public byte[] encode(Long value) {
          return Codecs.longs().encode(value);
        }

        @Override
        public Long decode(byte[] bytes) {
          return new String(bytes, StandardCharsets.US_ASCII).isBlank()
              ? 0L
              : Codecs.longs().decode(bytes);
        }
      };

  /** How often the loop reports its progress. */
  private static final long PROGRESS_EVERY_MS = 50;

  /** Keeps the loop's result observable so that the JIT cannot remove it. */
  @SuppressWarnings("unused")
  private static volatile long sink;

  @Override
  public String name() {
    return "spin";
  }

  @Override
  public Codec<Long> inputCodec() {
    return INPUT;
  }

  @Override
  public Codec<Long> outputCodec() {
    return Codecs.longs();
  }

  @Override
  protected Long compute(Long millis, TaskContext context) {
    // Elapsed time of a busy loop in a test handler, not scheduling: System.nanoTime is right here.
    long end = millis <= 0 ? Long.MAX_VALUE : System.nanoTime() + millis * 1_000_000L;
    long start = System.nanoTime();
    long reportedMs = 0;
    long x = 0;
    while (millis <= 0 || System.nanoTime() - end < 0) {
      for (int i = 0; i < 10_000; i++) {
        x = x * 31 + i;
      }
      sink = x;
      long spunMs = (System.nanoTime() - start) / 1_000_000L;
      if (spunMs - reportedMs >= PROGRESS_EVERY_MS) {
        // Coalesced by the context, but a report per loop would still cost a map write each.
        reportedMs = spunMs;
        context.reportProgress(
            millis <= 0 ? Double.NaN : (double) spunMs / millis,
            "spun " + spunMs + (millis <= 0 ? " ms" : " of " + millis + " ms"));
      }
    }
    return millis;
  }
}

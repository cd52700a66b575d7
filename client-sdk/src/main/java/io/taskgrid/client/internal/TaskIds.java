package io.taskgrid.client.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ids a client gives the tasks it names itself: {@code <prefix>-<n>-<check>}, where {@code
 * prefix} is 32 hex digits drawn once per generator (128 bits from {@link SecureRandom}), {@code n}
 * counts the generator's ids in decimal from 0 (at most 12 digits) and {@code check} is 16 random
 * hex digits per id.
 *
 * <p>The shape lets the coordinator store 64 consecutive tasks of one client in one store record:
 * an id of this shape belongs to the chunk {@code <prefix>-<n / 64>} (see docs/STORE-BATCHES.md,
 * "The unit: a chunk of consecutive ids of one client"). The ids stay as unguessable as 128 random
 * bits: the prefix is 128 secret bits, and knowing one id still leaves the 64-bit check of every
 * other id to guess.
 *
 * <p>When {@code n} would pass {@value #MAX_N} the generator draws a new prefix and counts from 0
 * again. Thread-safe: each id of one prefix has its own {@code n}.
 */
public final class TaskIds {
  /** The largest {@code n}: 12 decimal digits. */
  static final long MAX_N = 999_999_999_999L;

  private static final SecureRandom PREFIX_RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  /** One prefix and the next {@code n} under it; replaced by a new one when {@code n} runs out. */
  private static final class Run {
    final String prefix;
    final AtomicLong next;

    Run(String prefix, long start) {
      this.prefix = prefix;
      this.next = new AtomicLong(start);
    }
  }

  private final AtomicReference<Run> run;

  /** A generator with a fresh random prefix, counting from 0. */
  public TaskIds() {
    this(0);
  }

  /** A generator with a fresh random prefix, counting from {@code start} (tests of the wrap). */
  TaskIds(long start) {
    if (start < 0 || start > MAX_N) {
      throw new IllegalArgumentException("start: " + start + " (expected: 0.." + MAX_N + ")");
    }
    this.run = new AtomicReference<>(new Run(newPrefix(), start));
  }

  /** The next id: {@code <prefix>-<n>-<check>}. */
  public String next() {
    while (true) {
      Run current = run.get();
      long n = current.next.getAndIncrement();
      if (n <= MAX_N) {
        return current.prefix
            + '-'
            + n
            + '-'
            + HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
      }
      // This prefix is used up: the first thread to get here installs a new one, the others retry
      // on it. (n goes on counting past MAX_N in the old run, far from overflowing a long.)
      run.compareAndSet(current, new Run(newPrefix(), 0));
    }
  }

  private static String newPrefix() {
    byte[] bytes = new byte[16];
    PREFIX_RANDOM.nextBytes(bytes);
    return HEX.formatHex(bytes);
  }
}

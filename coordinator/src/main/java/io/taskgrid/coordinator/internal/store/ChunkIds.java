package io.taskgrid.coordinator.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * Which live-chunk record holds a task (docs/STORE-BATCHES.md). The SDKs name the tasks of one
 * client {@code <prefix>-<n>-<check>}: 32 hex digits drawn once per client, a decimal counter, and
 * 16 hex digits drawn per task. Such an id's live record is kept in the chunk {@code c/<prefix>-<n
 * / 64>} with the 63 other consecutive ids of its client, so submitting, leasing and ending 64
 * tasks costs one store operation each instead of 64. Any other id (one a user chose, an older
 * client's) is a record of its own, as before. {@code /} is outside the id alphabet, so no task id
 * is ever a chunk key.
 */
final class ChunkIds {
  /** Consecutive ids per chunk. */
  static final int TASKS_PER_CHUNK = 64;

  /** What every chunk key starts with. */
  static final String KEY_PREFIX = "c/";

  private static final int PREFIX_DIGITS = 32;
  private static final int CHECK_DIGITS = 16;
  private static final int MAX_COUNTER_DIGITS = 12;

  private ChunkIds() {}

  /** The key of the chunk that holds {@code taskId}'s live record, or null if it has none. */
  static @Nullable String chunkOf(String taskId) {
    return chunkOf(taskId, null);
  }

  /**
   * As {@link #chunkOf(String)}, answering {@code previous} itself when it is that key: consecutive
   * ids of a batch mostly share a chunk, and building its key again for each was most of the cost.
   */
  static @Nullable String chunkOf(String taskId, @Nullable String previous) {
    long chunk = chunkNumber(taskId);
    if (chunk < 0 || !isHex(taskId, 0, PREFIX_DIGITS)) {
      return null;
    }
    if (previous != null && isKey(previous, taskId, chunk)) {
      return previous;
    }
    return key(taskId, chunk);
  }

  /**
   * The chunk number of an id of the SDKs' shape, its prefix's digits aside (the caller checks
   * them); -1 for any other id.
   */
  private static long chunkNumber(String taskId) {
    int length = taskId.length();
    int counterEnd = length - CHECK_DIGITS - 1;
    int counterDigits = counterEnd - PREFIX_DIGITS - 1;
    if (counterDigits < 1
        || counterDigits > MAX_COUNTER_DIGITS
        || taskId.charAt(PREFIX_DIGITS) != '-'
        || taskId.charAt(counterEnd) != '-'
        || !isHex(taskId, counterEnd + 1, length)
        || (counterDigits > 1 && taskId.charAt(PREFIX_DIGITS + 1) == '0')) {
      return -1;
    }
    long n = 0;
    for (int i = PREFIX_DIGITS + 1; i < counterEnd; i++) {
      char c = taskId.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n / TASKS_PER_CHUNK;
  }

  private static String key(String taskId, long chunk) {
    return KEY_PREFIX + taskId.substring(0, PREFIX_DIGITS + 1) + chunk;
  }

  /**
   * The chunk keys of one batch's ids, remembering the last {@link #REMEMBERED} it built: a
   * scheduler's flush interleaves the tasks of a few chunks, where {@link #chunkOf(String, String)}
   * with the last key alone builds a key again at every change of chunk (building and checking keys
   * was about a twentieth of the coordinator's CPU per task). A key it remembers was built from a
   * prefix it checked, so an id that matches one is not checked again. Not thread-safe: one per
   * batch, on the thread that splits it.
   */
  static final class Keys {
    static final int REMEMBERED = 8;

    private final String[] recent = new String[REMEMBERED];
    private int next;

    /** As {@link ChunkIds#chunkOf(String)}, answering a remembered key itself. */
    @Nullable String of(String taskId) {
      long chunk = chunkNumber(taskId);
      if (chunk < 0) {
        return null;
      }
      // From the latest: consecutive ids mostly share a chunk.
      for (int i = 1; i <= REMEMBERED; i++) {
        String key = recent[(next - i) & (REMEMBERED - 1)];
        if (key != null && isKey(key, taskId, chunk)) {
          return key;
        }
      }
      if (!isHex(taskId, 0, PREFIX_DIGITS)) {
        return null;
      }
      String key = key(taskId, chunk);
      recent[next & (REMEMBERED - 1)] = key;
      next++;
      return key;
    }
  }

  /** Whether {@code key} is the key of chunk {@code chunk} of {@code taskId}'s prefix. */
  private static boolean isKey(String key, String taskId, long chunk) {
    int numberStart = KEY_PREFIX.length() + PREFIX_DIGITS + 1;
    if (!key.startsWith(KEY_PREFIX)
        || key.length() <= numberStart
        || !key.regionMatches(KEY_PREFIX.length(), taskId, 0, PREFIX_DIGITS + 1)) {
      return false;
    }
    long number = 0;
    for (int i = numberStart; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9' || number > Long.MAX_VALUE / 10) {
        return false;
      }
      number = number * 10 + (c - '0');
    }
    // Keys are built without leading zeros: "...-07" is not chunk 7's key.
    return number == chunk && (key.length() == numberStart + 1 || key.charAt(numberStart) != '0');
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}

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
    int length = taskId.length();
    int counterEnd = length - CHECK_DIGITS - 1;
    int counterDigits = counterEnd - PREFIX_DIGITS - 1;
    if (counterDigits < 1
        || counterDigits > MAX_COUNTER_DIGITS
        || taskId.charAt(PREFIX_DIGITS) != '-'
        || taskId.charAt(counterEnd) != '-'
        || !isHex(taskId, 0, PREFIX_DIGITS)
        || !isHex(taskId, counterEnd + 1, length)
        || (counterDigits > 1 && taskId.charAt(PREFIX_DIGITS + 1) == '0')) {
      return null;
    }
    long n = 0;
    for (int i = PREFIX_DIGITS + 1; i < counterEnd; i++) {
      char c = taskId.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      n = n * 10 + (c - '0');
    }
    long chunk = n / TASKS_PER_CHUNK;
    if (previous != null && isKey(previous, taskId, chunk)) {
      return previous;
    }
    return KEY_PREFIX + taskId.substring(0, PREFIX_DIGITS + 1) + chunk;
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

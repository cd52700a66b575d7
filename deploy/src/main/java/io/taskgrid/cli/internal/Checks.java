package io.taskgrid.cli.internal;

import io.taskgrid.worker.internal.http.EgressRule;
import java.util.List;
import java.util.Map;

/** Range checks of numeric flags, with messages that name the flag. */
final class Checks {
  private Checks() {}

  static long atLeast(String flag, long value, long min) {
    if (value < min) {
      throw new UsageException(flag + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  static int atLeast(String flag, int value, int min) {
    if (value < min) {
      throw new UsageException(flag + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  static int between(String flag, int value, int min, int max) {
    if (value < min || value > max) {
      throw new UsageException(flag + ": " + value + " (expected: " + min + ".." + max + ")");
    }
    return value;
  }

  static long between(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw new UsageException(flag + ": " + value + " (expected: " + min + ".." + max + ")");
    }
    return value;
  }

  /**
   * The limits of a {@code --type-limit TYPE=N} flag: each at least 1 (0 would hold the type's
   * tasks queued forever), the message naming the type.
   */
  static Map<String, Integer> typeLimits(String flag, Map<String, Integer> limits) {
    limits.forEach(
        (type, limit) -> {
          if (type.isBlank()) {
            throw new UsageException(
                flag + ": '" + type + "=" + limit + "' (expected: TYPE=N, e.g. http.get=100)");
          }
          atLeast(flag + " " + type, limit, 1);
        });
    return limits;
  }

  /**
   * The entries of an {@code --http-allow} flag, each an IP address, {@code address:port} or CIDR
   * block; the message names the flag and the first bad entry.
   */
  static List<String> httpAllow(String flag, List<String> rules) {
    for (String rule : rules) {
      try {
        EgressRule.parse(rule);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage().replaceFirst("^httpAllow", flag));
      }
    }
    return rules;
  }
}

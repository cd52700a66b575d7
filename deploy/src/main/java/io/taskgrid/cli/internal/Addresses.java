package io.taskgrid.cli.internal;

/** Checks {@code host:port} arguments before anything dials them. */
final class Addresses {
  private Addresses() {}

  static void checkTarget(String flag, String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new UsageException(flag + ": '" + target + "' (expected: host:port)");
    }
    try {
      Ports.check(flag, Integer.parseInt(target.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new UsageException(
          flag + ": '" + target + "' has no numeric port (expected: host:port)");
    }
  }

  /**
   * Checks a Hazelcast member address, {@code host[:port]} (an IPv6 host in brackets; Hazelcast
   * also takes an IPv4 range such as {@code 10.0.0.1-9}), so that a typo is one line instead of
   * Hazelcast's stack trace.
   */
  static void checkMember(String flag, String member) {
    String m = member.strip();
    if (m.isEmpty() || !m.equals(member) || m.chars().anyMatch(Character::isWhitespace)) {
      throw new UsageException(flag + ": '" + member + "' (expected: host[:port])");
    }
    if (m.contains("/")) {
      throw new UsageException(
          flag + ": '" + member + "' (expected: host[:port], without a scheme or path)");
    }
    String port = null;
    if (m.startsWith("[")) {
      int close = m.indexOf(']');
      if (close < 0) {
        throw new UsageException(flag + ": '" + member + "' (expected: [ipv6][:port])");
      }
      if (close + 1 < m.length()) {
        if (m.charAt(close + 1) != ':') {
          throw new UsageException(flag + ": '" + member + "' (expected: [ipv6][:port])");
        }
        port = m.substring(close + 2);
      }
    } else {
      int colon = m.indexOf(':');
      if (colon == 0) {
        throw new UsageException(flag + ": '" + member + "' has no host (expected: host[:port])");
      }
      if (colon > 0) {
        if (m.indexOf(':', colon + 1) >= 0) {
          throw new UsageException(
              flag + ": '" + member + "' (expected: host[:port]; an IPv6 host goes in brackets)");
        }
        port = m.substring(colon + 1);
      }
    }
    if (port != null) {
      try {
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65_535) {
          throw new UsageException(flag + ": '" + member + "' (expected a port in 1..65535)");
        }
      } catch (NumberFormatException e) {
        throw new UsageException(
            flag + ": '" + member + "' has no numeric port (expected: host[:port])");
      }
    }
  }
}

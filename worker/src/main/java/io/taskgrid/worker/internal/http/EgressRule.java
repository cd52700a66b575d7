package io.taskgrid.worker.internal.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the operator's {@code --http-allow} list: an address ({@code 127.0.0.1}, {@code
 * ::1}), an address and port ({@code 127.0.0.1:8080}, {@code [::1]:8080}) or a CIDR block ({@code
 * 10.0.0.0/8}, {@code fd00::/8}). Only IP literals: a host name would be resolved again at use,
 * which is what the policy must not trust.
 */
public final class EgressRule {
  /** The port of a rule that admits any port. */
  static final int ANY_PORT = -1;

  private final byte[] network;
  private final int prefixLength;
  private final int port;

  private EgressRule(byte[] network, int prefixLength, int port) {
    this.network = network.clone();
    this.prefixLength = prefixLength;
    this.port = port;
  }

  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern BRACKETED = Pattern.compile("\\[([0-9a-fA-F:.]+)\\]:(\\d{1,5})");
  private static final Pattern V4_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");

  /**
   * Parses one entry.
   *
   * @throws IllegalArgumentException naming the entry and the accepted forms
   */
  public static EgressRule parse(String text) {
    String s = text.trim();
    try {
      int slash = s.indexOf('/');
      if (slash >= 0) {
        byte[] network = literal(s.substring(0, slash), text);
        int prefix = Integer.parseInt(s.substring(slash + 1));
        if (prefix < 0 || prefix > network.length * 8) {
          throw invalid(text, "prefix length " + prefix + " out of range");
        }
        return new EgressRule(network, prefix, ANY_PORT);
      }
      Matcher m = BRACKETED.matcher(s);
      if (!m.matches()) {
        m = V4_PORT.matcher(s);
      }
      if (m.matches()) {
        byte[] address = literal(m.group(1), text);
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
          throw invalid(text, "port " + port + " out of range");
        }
        return new EgressRule(address, address.length * 8, port);
      }
      byte[] address = literal(s, text);
      return new EgressRule(address, address.length * 8, ANY_PORT);
    } catch (NumberFormatException e) {
      throw invalid(text, "not a number");
    }
  }

  /** Whether this rule admits a connection to {@code address} on {@code port}. */
  public boolean allows(InetAddress address, int port) {
    if (this.port != ANY_PORT && this.port != port) {
      return false;
    }
    byte[] a = AddressClassifier.unwrapMapped(address).getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    String address;
    try {
      address = InetAddress.getByAddress(network).getHostAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
    if (prefixLength != network.length * 8) {
      return address + "/" + prefixLength;
    }
    if (port == ANY_PORT) {
      return address;
    }
    return network.length == 4 ? address + ":" + port : "[" + address + "]:" + port;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EgressRule r
        && java.util.Arrays.equals(network, r.network)
        && prefixLength == r.prefixLength
        && port == r.port;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefixLength * 7 + port;
  }

  private static byte[] literal(String s, String text) {
    boolean v4 = V4.matcher(s).matches();
    boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9a-fA-F:.]+");
    if (!v4 && !v6) {
      throw invalid(text, "'" + s + "' is not an IP address (host names are not accepted)");
    }
    if (v4) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw invalid(text, "'" + s + "' is not an IPv4 address");
        }
      }
    }
    try {
      // An IP literal: getByName parses it without any lookup.
      return AddressClassifier.unwrapMapped(InetAddress.getByName(s)).getAddress();
    } catch (UnknownHostException e) {
      throw invalid(text, "'" + s + "' is not an IP address");
    }
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException(
        "httpAllow: '"
            + text
            + "' ("
            + why
            + "; expected: ADDRESS, ADDRESS:PORT, [IPv6]:PORT or CIDR, e.g. 127.0.0.1:8080 or"
            + " 10.0.0.0/8)");
  }
}

package io.taskgrid.worker.internal.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which addresses {@code http.get} refuses unless the operator allows them: every address that is
 * not a public unicast one (loopback, private, link-local, multicast, unspecified, ...), including
 * the IPv6 forms that embed an IPv4 address, and the numeric host spellings that are not a
 * canonical dotted quad ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}).
 */
public final class AddressClassifier {
  private AddressClassifier() {}

  /** Why {@code address} is not a public unicast address, or empty if it is one. */
  public static Optional<String> refusal(InetAddress address) {
    if (address instanceof Inet4Address) {
      return refusalV4(address.getAddress());
    }
    byte[] b = address.getAddress();
    if (address.isAnyLocalAddress()) {
      return Optional.of("the unspecified address");
    }
    if (address.isLoopbackAddress()) {
      return Optional.of("a loopback address");
    }
    if (isZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
      return embedded("IPv4-mapped", b, 12);
    }
    if (isZero(b, 0, 12)) {
      return embedded("IPv4-compatible", b, 12);
    }
    if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
      return embedded("6to4", b, 2);
    }
    if ((b[0] & 0xFF) == 0x00
        && (b[1] & 0xFF) == 0x64
        && (b[2] & 0xFF) == 0xFF
        && (b[3] & 0xFF) == 0x9B
        && isZero(b, 4, 12)) {
      return embedded("NAT64", b, 12);
    }
    if ((b[0] & 0xFF) == 0xFF) {
      return Optional.of("a multicast address");
    }
    if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0x80) {
      return Optional.of("a link-local address");
    }
    if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0xC0) {
      return Optional.of("a site-local address");
    }
    if ((b[0] & 0xFE) == 0xFC) {
      return Optional.of("a private (unique local) address");
    }
    if ((b[0] & 0xFF) == 0x20
        && (b[1] & 0xFF) == 0x01
        && (b[2] & 0xFF) == 0x0D
        && (b[3] & 0xFF) == 0xB8) {
      return Optional.of("a documentation address");
    }
    return Optional.empty();
  }

  /**
   * Why the host part of a URL is an ambiguous numeric IPv4 spelling (one to three parts, or a part
   * in octal or hexadecimal: C's {@code inet_aton} reads them all, as do many resolvers and
   * proxies), or empty if it is a canonical dotted quad or not numeric at all.
   */
  public static Optional<String> numericHostProblem(String host) {
    if (!host.matches("(?i)[0-9a-fx.]+") || !Character.isDigit(host.charAt(0))) {
      return Optional.empty();
    }
    if (host.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}")) {
      return Optional.empty(); // canonical, checked like any other address
    }
    Optional<byte[]> value = inetAton(host);
    if (value.isEmpty()) {
      return Optional.empty(); // not an address: left to the resolver, which will not find it
    }
    String meaning;
    try {
      meaning = InetAddress.getByAddress(value.get()).getHostAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always an IPv4 address", e);
    }
    return Optional.of(
        "'" + host + "' is a non-canonical numeric form of " + meaning + " (write a.b.c.d)");
  }

  /** C's {@code inet_aton}: 1-4 parts, each decimal, 0-octal or 0x-hexadecimal. */
  static Optional<byte[]> inetAton(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].toLowerCase(java.util.Locale.ROOT);
      try {
        if (p.startsWith("0x")) {
          values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
        } else if (p.length() > 1 && p.startsWith("0")) {
          values[i] = Long.parseLong(p.substring(1), 8);
        } else {
          values[i] = Long.parseLong(p);
        }
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (p.length() > 12) {
        return Optional.empty();
      }
    }
    long value = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 0xFF) {
        return Optional.empty();
      }
      value |= values[i] << (24 - 8 * i);
    }
    long last = values[parts.length - 1];
    long lastMax = (1L << (8 * (5 - parts.length))) - 1;
    if (last > lastMax) {
      return Optional.empty();
    }
    value |= last;
    return Optional.of(
        new byte[] {
          (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
        });
  }

  private static Optional<String> refusalV4(byte[] b) {
    int a0 = b[0] & 0xFF;
    int a1 = b[1] & 0xFF;
    int a2 = b[2] & 0xFF;
    if (a0 == 0) {
      return Optional.of("an unspecified address (0.0.0.0/8)");
    }
    if (a0 == 127) {
      return Optional.of("a loopback address");
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xF0) == 16) || (a0 == 192 && a1 == 168)) {
      return Optional.of("a private address");
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("a link-local address (cloud metadata lives here)");
    }
    if (a0 == 100 && (a1 & 0xC0) == 64) {
      return Optional.of("a shared (carrier-grade NAT) address");
    }
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return Optional.of("an IETF protocol assignment address (192.0.0.0/24)");
    }
    if ((a0 == 192 && a1 == 0 && a2 == 2)
        || (a0 == 198 && a1 == 51 && a2 == 100)
        || (a0 == 203 && a1 == 0 && a2 == 113)) {
      return Optional.of("a documentation address");
    }
    if (a0 == 198 && (a1 & 0xFE) == 18) {
      return Optional.of("a benchmarking address (198.18.0.0/15)");
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("a multicast address");
    }
    if (a0 >= 240) {
      return Optional.of("a reserved or broadcast address");
    }
    return Optional.empty();
  }

  private static Optional<String> embedded(String form, byte[] b, int offset) {
    byte[] v4 = {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]};
    String inner;
    try {
      inner = InetAddress.getByAddress(v4).getHostAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always an IPv4 address", e);
    }
    // A translating router or a dual-stack socket may reach the embedded IPv4 address: classify
    // that one, and refuse the deprecated forms in any case.
    Optional<String> innerRefusal = refusalV4(v4);
    if (innerRefusal.isPresent()) {
      return Optional.of("the " + form + " form of " + inner + ", " + innerRefusal.get());
    }
    if (!form.equals("IPv4-compatible")) {
      return Optional.empty();
    }
    return Optional.of("an IPv4-compatible address (deprecated) of " + inner);
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The IPv4 address an IPv4-mapped IPv6 address stands for; any other address unchanged. */
  static InetAddress unwrapMapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      if (isZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new AssertionError(e);
        }
      }
    }
    return address;
  }
}

package io.taskgrid.worker.internal.http;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code http.get} may fetch: public unicast addresses, plus what the operator's allow-list
 * admits; a body of at most {@code maxBodyBytes}; one deadline for the whole exchange (connect,
 * TLS, headers and body, over every redirect); at most {@code maxRedirects} redirects.
 */
public record HttpEgressPolicy(
    List<EgressRule> allow, long maxBodyBytes, Duration timeout, int maxRedirects) {
  /** The largest body by default: 4 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;

  /** The whole-exchange timeout by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Redirects followed at most. */
  public static final int MAX_REDIRECTS = 5;

  private static final HttpEgressPolicy DEFAULTS =
      new HttpEgressPolicy(List.of(), DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT, MAX_REDIRECTS);

  public HttpEgressPolicy {
    allow = List.copyOf(allow);
    requireNonNull(timeout, "timeout");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("httpMaxBodyBytes: " + maxBodyBytes + " (expected: >= 1)");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("httpTimeout: " + timeout + " (expected: > 0)");
    }
  }

  /** Nothing allowed beyond public addresses, {@link #DEFAULT_MAX_BODY_BYTES}, 60 s. */
  public static HttpEgressPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A policy from the worker's options.
   *
   * @throws IllegalArgumentException naming the first invalid entry or value
   */
  public static HttpEgressPolicy of(List<String> allow, long maxBodyBytes, Duration timeout) {
    return new HttpEgressPolicy(
        allow.stream().map(EgressRule::parse).toList(), maxBodyBytes, timeout, MAX_REDIRECTS);
  }

  /**
   * Why a connection to {@code host} (which resolved to {@code addresses}) on {@code port} is
   * refused, or empty if every address may be reached. One refused address refuses the host: the
   * client must not pick among answers that a resolver under someone else's control chose.
   */
  public Optional<String> refusal(String host, List<InetAddress> addresses, int port) {
    Optional<String> numeric = AddressClassifier.numericHostProblem(host);
    if (numeric.isPresent()) {
      return numeric;
    }
    for (InetAddress address : addresses) {
      if (allows(address, port)) {
        continue;
      }
      Optional<String> why = AddressClassifier.refusal(address);
      if (why.isPresent()) {
        String shown = address.getHostAddress();
        String named = shown.equals(host) ? shown : host + " (" + shown + ")";
        return Optional.of(
            named
                + ":"
                + port
                + " is "
                + why.get()
                + "; a worker operator can allow it with --http-allow");
      }
    }
    return Optional.empty();
  }

  private boolean allows(InetAddress address, int port) {
    for (EgressRule rule : allow) {
      if (rule.allows(address, port)) {
        return true;
      }
    }
    return false;
  }
}

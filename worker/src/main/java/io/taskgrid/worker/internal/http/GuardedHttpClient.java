package io.taskgrid.worker.internal.http;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * A blocking HTTP/1.1 GET client that cannot be turned on the network it runs in. For each hop (the
 * URL, then each redirect, at most {@link HttpEgressPolicy#maxRedirects()}): the host is resolved
 * once, every address is checked against the {@link HttpEgressPolicy}, and the socket connects to a
 * checked address (never resolving again, so a DNS answer cannot change between the check and the
 * connect). The body is streamed and abandoned past the size limit; one deadline covers the whole
 * exchange.
 *
 * <p>Why not the JDK's {@code HttpClient}: it resolves host names itself (no way to check the
 * address it connects to), follows redirects without a hook, and its timeout covers only the
 * headers.
 */
public final class GuardedHttpClient {
  /** The final response: its status, body bytes and the charset its Content-Type names, if any. */
  public record Response(URI uri, int status, byte[] body, @Nullable String charset) {}

  private final HttpEgressPolicy policy;
  private final Clock clock;
  private final Resolver resolver;

  public GuardedHttpClient(HttpEgressPolicy policy, Clock clock, Resolver resolver) {
    this.policy = requireNonNull(policy, "policy");
    this.clock = requireNonNull(clock, "clock");
    this.resolver = requireNonNull(resolver, "resolver");
  }

  /** An exchange that another thread may {@link #abort} (a cancelled task). */
  public static final class Exchange {
    private volatile @Nullable Socket socket;
    private volatile boolean aborted;

    /** Closes the connection, if any; the fetching thread then fails. */
    public void abort() {
      aborted = true;
      closeQuietly(socket);
    }

    void use(Socket s) throws IOException {
      socket = s;
      if (aborted) {
        closeQuietly(s);
        throw new HttpGetException("cancelled");
      }
    }
  }

  /**
   * GETs {@code uri}, following redirects; returns the first non-redirect response.
   *
   * @throws HttpGetException for a refused address, a body over the limit, the deadline, too many
   *     redirects or a malformed response, with the reason in the message
   * @throws IOException for a connection or TLS failure
   */
  public Response get(URI uri, Exchange exchange) throws IOException {
    Deadline deadline = new Deadline(clock, policy.timeout());
    URI current = uri;
    for (int hop = 0; ; hop++) {
      Target target = Target.of(current);
      List<InetAddress> addresses = resolve(target.host);
      Optional<String> refusal = policy.refusal(target.host, addresses, target.port);
      if (refusal.isPresent()) {
        throw new HttpGetException(
            (hop == 0 ? "refused " : "refused redirect " + hop + " to ")
                + current
                + ": "
                + refusal.get());
      }
      try (Socket socket = connect(target, addresses, deadline, exchange)) {
        Head head = sendRequest(socket, target, deadline);
        Optional<String> location = head.redirectLocation();
        if (location.isEmpty()) {
          byte[] body = head.hasBody() ? readBody(head, current) : new byte[0];
          return new Response(current, head.status, body, head.charset());
        }
        if (hop >= policy.maxRedirects()) {
          throw new HttpGetException(
              "too many redirects (more than " + policy.maxRedirects() + ") from " + uri);
        }
        current = redirectTarget(current, location.get());
      } catch (SocketTimeoutException e) {
        throw deadline.expired(e);
      }
    }
  }

  private List<InetAddress> resolve(String host) throws HttpGetException {
    try {
      List<InetAddress> addresses = resolver.resolve(host);
      if (addresses.isEmpty()) {
        throw new HttpGetException("unknown host " + host);
      }
      return addresses;
    } catch (UnknownHostException e) {
      throw new HttpGetException("unknown host " + host, e);
    }
  }

  private static Socket connect(
      Target target, List<InetAddress> addresses, Deadline deadline, Exchange exchange)
      throws IOException {
    IOException last = null;
    for (InetAddress address : addresses) {
      Socket plain = new Socket();
      exchange.use(plain);
      try {
        plain.connect(new InetSocketAddress(address, target.port), deadline.remainingMillis());
        if (!target.tls) {
          return plain;
        }
        SSLSocket tls =
            (SSLSocket)
                ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(plain, target.host, target.port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!target.literal) {
          params.setServerNames(List.of(new SNIHostName(target.host)));
        }
        tls.setSSLParameters(params);
        exchange.use(tls);
        tls.setSoTimeout(deadline.remainingMillis());
        tls.startHandshake();
        return tls;
      } catch (SocketTimeoutException e) {
        closeQuietly(plain);
        throw deadline.expired(e);
      } catch (IOException e) {
        closeQuietly(plain);
        last = e;
      }
    }
    throw requireNonNull(last);
  }

  private static Head sendRequest(Socket socket, Target target, Deadline deadline)
      throws IOException {
    OutputStream out = socket.getOutputStream();
    String request =
        "GET "
            + target.requestTarget
            + " HTTP/1.1\r\nHost: "
            + target.hostHeader
            + "\r\nUser-Agent: taskgrid-http.get\r\nAccept: */*\r\n"
            + "Accept-Encoding: identity\r\nConnection: close\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in =
        new BufferedInputStream(new DeadlineInputStream(socket, socket.getInputStream(), deadline));
    while (true) {
      Head head = Head.read(in);
      // 1xx interim responses (100 Continue, 103 Early Hints) precede the real one.
      if (head.status >= 200 || head.status == 101) {
        return head;
      }
    }
  }

  private byte[] readBody(Head head, URI uri) throws IOException {
    long max = policy.maxBodyBytes();
    long declared = head.contentLength();
    if (declared > max) {
      throw tooLarge(uri, max, " (Content-Length " + declared + ")");
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    InputStream in = head.in;
    if (head.chunked()) {
      while (true) {
        String sizeLine = Head.line(in);
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
        long size;
        try {
          size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new HttpGetException("malformed chunked body from " + uri + ": '" + hex + "'");
        }
        if (size < 0) {
          throw new HttpGetException("malformed chunked body from " + uri);
        }
        if (size == 0) {
          while (!Head.line(in).isEmpty()) {
            // trailers: ignored
          }
          return body.toByteArray();
        }
        if (body.size() + size > max) {
          throw tooLarge(uri, max, "");
        }
        copy(in, body, size, uri);
        Head.line(in); // the CRLF after the chunk
      }
    }
    if (declared >= 0) {
      copy(in, body, declared, uri);
      return body.toByteArray();
    }
    byte[] buffer = new byte[16 * 1024];
    int n;
    while ((n = in.read(buffer)) != -1) {
      if (body.size() + n > max) {
        throw tooLarge(uri, max, "");
      }
      body.write(buffer, 0, n);
    }
    return body.toByteArray();
  }

  private static void copy(InputStream in, ByteArrayOutputStream body, long count, URI uri)
      throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long left = count;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n == -1) {
        throw new HttpGetException("the body from " + uri + " ended early");
      }
      body.write(buffer, 0, n);
      left -= n;
    }
  }

  private static HttpGetException tooLarge(URI uri, long max, String detail) {
    return new HttpGetException(
        "the response body of "
            + uri
            + " is larger than "
            + max
            + " bytes"
            + detail
            + " (the worker's --http-max-body-bytes limit)");
  }

  private static URI redirectTarget(URI from, String location) throws HttpGetException {
    try {
      URI next = from.resolve(new URI(location.trim()));
      if (!"http".equalsIgnoreCase(next.getScheme())
          && !"https".equalsIgnoreCase(next.getScheme())) {
        throw new HttpGetException(
            "refused redirect from " + from + " to " + next + ": not http(s)");
      }
      return next;
    } catch (URISyntaxException e) {
      throw new HttpGetException("malformed redirect Location from " + from + ": " + location, e);
    }
  }

  private static void closeQuietly(@Nullable Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing to abort: nothing more to do
      }
    }
  }

  /** Where one hop goes. */
  private static final class Target {
    final String host;
    final boolean literal;
    final int port;
    final boolean tls;
    final String hostHeader;
    final String requestTarget;

    private Target(
        String host,
        boolean literal,
        int port,
        boolean tls,
        String hostHeader,
        String requestTarget) {
      this.host = host;
      this.literal = literal;
      this.port = port;
      this.tls = tls;
      this.hostHeader = hostHeader;
      this.requestTarget = requestTarget;
    }

    static Target of(URI uri) throws HttpGetException {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new HttpGetException("'" + uri + "' is not an http(s) URL");
      }
      String rawHost = uri.getHost();
      if (rawHost == null || rawHost.isEmpty()) {
        throw new HttpGetException("'" + uri + "' has no host");
      }
      boolean v6 = rawHost.startsWith("[");
      String host = v6 ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
      boolean tls = scheme.equals("https");
      int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
      boolean literal = v6 || host.matches("[0-9.]+");
      boolean defaultPort = port == (tls ? 443 : 80);
      String hostHeader = rawHost + (defaultPort ? "" : ":" + port);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      return new Target(host, literal, port, tls, hostHeader, path + query);
    }
  }
}

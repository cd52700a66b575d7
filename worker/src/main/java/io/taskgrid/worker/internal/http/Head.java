package io.taskgrid.worker.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The status line and headers of one HTTP/1.1 response, and the stream its body follows on. */
final class Head {
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 200;

  final int status;
  final InputStream in;
  private final List<String[]> headers;

  private Head(int status, List<String[]> headers, InputStream in) {
    this.status = status;
    this.headers = headers;
    this.in = in;
  }

  static Head read(InputStream in) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new HttpGetException("not an HTTP/1.x response: '" + printable(statusLine) + "'");
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new HttpGetException("malformed status line: '" + printable(statusLine) + "'");
    }
    if (status < 100 || status > 999) {
      throw new HttpGetException("malformed status code " + status);
    }
    List<String[]> headers = new ArrayList<>();
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      if (headers.size() >= MAX_HEADERS) {
        throw new HttpGetException("more than " + MAX_HEADERS + " response headers");
      }
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new HttpGetException("malformed header line: '" + printable(h) + "'");
      }
      headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
    }
    return new Head(status, headers, in);
  }

  /** One CRLF- (or LF-) terminated line, without the terminator; at most {@value #MAX_LINE}. */
  static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c == -1) {
        throw new HttpGetException("the connection closed in the middle of the response");
      }
      if (c == '\n') {
        byte[] bytes = line.toByteArray();
        int length =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      if (line.size() >= MAX_LINE) {
        throw new HttpGetException("a response line is longer than " + MAX_LINE + " bytes");
      }
      line.write(c);
    }
  }

  Optional<String> header(String name) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        return Optional.of(h[1]);
      }
    }
    return Optional.empty();
  }

  boolean hasBody() {
    return status >= 200 && status != 204 && status != 304;
  }

  boolean chunked() {
    return header("Transfer-Encoding")
        .map(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))
        .orElse(false);
  }

  /** The Content-Length, or -1 when absent (or chunked, which wins). */
  long contentLength() throws HttpGetException {
    if (chunked()) {
      return -1;
    }
    Optional<String> value = header("Content-Length");
    if (value.isEmpty()) {
      return -1;
    }
    try {
      long length = Long.parseLong(value.get().trim());
      if (length < 0) {
        throw new NumberFormatException();
      }
      return length;
    } catch (NumberFormatException e) {
      throw new HttpGetException("malformed Content-Length '" + printable(value.get()) + "'");
    }
  }

  /** The Location of a redirect (301, 302, 303, 307, 308), if this is one. */
  Optional<String> redirectLocation() {
    boolean redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    return redirect ? header("Location") : Optional.empty();
  }

  /** The charset parameter of the Content-Type, if any. */
  @Nullable String charset() {
    Optional<String> type = header("Content-Type");
    if (type.isEmpty()) {
      return null;
    }
    for (String param : type.get().split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
        return p.substring("charset=".length()).replace("\"", "").trim();
      }
    }
    return null;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}

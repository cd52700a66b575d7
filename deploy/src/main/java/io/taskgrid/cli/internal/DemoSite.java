package io.taskgrid.cli.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small web site on loopback for the crawler demo (this machine may have no internet): an index
 * page that links to {@code pages} article pages of a few hundred bytes to a few kilobytes.
 */
final class DemoSite implements AutoCloseable {
  private static final Pattern LINK = Pattern.compile("href=\"([^\"]+)\"");

  private final HttpServer server;
  private final ExecutorService executor;
  private final int pages;

  private DemoSite(HttpServer server, ExecutorService executor, int pages) {
    this.server = server;
    this.executor = executor;
    this.pages = pages;
  }

  static DemoSite start(int pages) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    ExecutorService executor =
        Executors.newFixedThreadPool(4, new NamedThreadFactory("taskgrid-demo-site"));
    DemoSite site = new DemoSite(server, executor, pages);
    server.createContext("/", site::handle);
    server.setExecutor(executor);
    server.start();
    return site;
  }

  /** The pages the index links to. */
  int pages() {
    return pages;
  }

  /**
   * The {@code --http-allow} entry that admits exactly this site: its loopback address and port
   * (http.get refuses loopback otherwise).
   */
  String allowRule() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String indexUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** The absolute links of an HTML page, in order. */
  static List<String> links(String baseUrl, String html) {
    List<String> links = new ArrayList<>();
    Matcher matcher = LINK.matcher(html);
    String root = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    while (matcher.find()) {
      String href = matcher.group(1);
      links.add(href.startsWith("http") ? href : root + href);
    }
    return links;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body;
    int status = 200;
    if (path.equals("/")) {
      body = index();
    } else if (path.startsWith("/page/")) {
      body = page(path.substring("/page/".length()));
      if (body == null) {
        status = 404;
        body = "<html><body>not found</body></html>";
      }
    } else {
      status = 404;
      body = "<html><body>not found</body></html>";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String index() {
    StringBuilder html = new StringBuilder("<html><body><h1>Taskgrid demo site</h1><ul>\n");
    for (int i = 1; i <= pages; i++) {
      html.append("<li><a href=\"/page/").append(i).append("\">Page ").append(i).append("</a>\n");
    }
    return html.append("</ul></body></html>\n").toString();
  }

  private String page(String id) {
    int number;
    try {
      number = Integer.parseInt(id);
    } catch (NumberFormatException e) {
      return null;
    }
    if (number < 1 || number > pages) {
      return null;
    }
    StringBuilder html = new StringBuilder("<html><body><h1>Page ").append(number).append("</h1>");
    // Pages differ in size so the totals mean something.
    int paragraphs = 1 + number % 7;
    for (int p = 0; p < paragraphs; p++) {
      html.append("<p>Paragraph ")
          .append(p)
          .append(" of page ")
          .append(number)
          .append(": the quick brown fox jumps over the lazy dog, again and again.</p>\n");
    }
    return html.append("</body></html>\n").toString();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

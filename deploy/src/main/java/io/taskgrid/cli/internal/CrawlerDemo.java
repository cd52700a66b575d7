package io.taskgrid.cli.internal;

import io.taskgrid.client.HttpResult;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The seeds' crawler: fetch a site's index with {@code http.get}, then every page it links to, all
 * at once on the I/O pool, printing each page as it completes.
 */
final class CrawlerDemo {
  private final TaskgridClient client;
  private final DemoReport report;

  CrawlerDemo(TaskgridClient client, DemoReport report) {
    this.client = client;
    this.report = report;
  }

  /** Crawls {@code site} (whose address the workers' {@code --http-allow} must admit). */
  boolean run(DemoSite site) throws InterruptedException {
    int pages = site.pages();
    report.section("I/O-bound: crawl a " + pages + "-page site on a local HTTP server (http.get)");
    long start = System.nanoTime();
    HttpResult index = client.submit(TaskTypes.HTTP_GET, site.indexUrl()).join();
    List<String> links = DemoSite.links(site.indexUrl(), index.body());
    report.line("index %s: status %d, %d links", index.url(), index.status(), links.size());

    // Completion order, as asyncio.as_completed: each future reports itself when done.
    LinkedBlockingQueue<TaskFuture<HttpResult>> done = new LinkedBlockingQueue<>();
    List<TaskFuture<HttpResult>> futures = client.map(TaskTypes.HTTP_GET, links);
    futures.forEach(f -> f.whenComplete((r, e) -> done.add(f)));

    long bytes = 0;
    int ok = 0;
    for (int i = 1; i <= futures.size(); i++) {
      TaskFuture<HttpResult> future = done.take();
      try {
        HttpResult page = future.join();
        int size = page.body().getBytes(StandardCharsets.UTF_8).length;
        bytes += size;
        ok += page.status() == 200 ? 1 : 0;
        report.line("[%3d/%d] %d %,6d B  %s", i, futures.size(), page.status(), size, page.url());
      } catch (CompletionException e) {
        report.line("[%3d/%d] FAILED %s", i, futures.size(), e.getCause());
      }
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    report.line(
        "%d pages, %d OK, %,d bytes in %s (%s pages)",
        futures.size(), ok, bytes, DemoReport.seconds(wall), DemoReport.rate(futures.size(), wall));
    return ok == pages && links.size() == pages;
  }
}

package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/** The seeds' asyncio.gather of 10,000 sleep(1): thousands of timers on a few event loops. */
final class SleepDemo {
  private final TaskgridClient client;
  private final DemoReport report;

  SleepDemo(TaskgridClient client, DemoReport report) {
    this.client = client;
    this.report = report;
  }

  boolean run(int count, long millis) {
    report.section(
        String.format(
            Locale.ROOT,
            "I/O concurrency: %,d sleep(%d ms) tasks in flight on the event-loop pool",
            count,
            millis));
    long start = System.nanoTime();
    List<TaskFuture<Long>> futures =
        client.map(TaskTypes.SLEEP, Collections.nCopies(count, millis));
    int ok = 0;
    for (TaskFuture<Long> future : futures) {
      try {
        ok += future.join() == millis ? 1 : 0;
      } catch (CompletionException e) {
        report.line("%s failed: %s", future.taskId(), e.getCause());
      }
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    report.line(
        "%,d of %,d done in %s (one after another they would take %s)",
        ok, count, DemoReport.seconds(wall), DemoReport.seconds(Duration.ofMillis(millis * count)));
    return ok == count;
  }
}

package io.taskgrid.cli.internal;

import io.taskgrid.client.ServerInfo;
import io.taskgrid.client.ServerLimits;
import io.taskgrid.client.TaskgridClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code taskgrid info}: the coordinator's version and every limit a client can hit. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description =
        "Show the coordinator's version and the limits a client can hit (payload, batch, ids per"
            + " request, queued-task quotas, result retention, cancel grace); see docs/LIMITS.md.")
final class InfoCommand implements Callable<Integer> {
  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (TaskgridClient client = coordinator.connect()) {
      print(out, coordinator.call(client::serverInfo));
    }
    out.flush();
    return 0;
  }

  static void print(PrintWriter out, ServerInfo info) {
    ServerLimits l = info.limits();
    out.println(
        "Coordinator "
            + Terminal.safe(info.version())
            + ", protocol "
            + Terminal.safe(info.protocol())
            + ", tenant "
            + Terminal.safe(info.tenant()));
    row(out, "max inbound message", bytes(l.maxInboundMessageBytes()));
    row(out, "message budget (sent)", bytes(l.maxMessageBytes()));
    row(out, "max payload", bytes(l.maxPayloadBytes()));
    row(out, "tasks per submit batch", count(l.maxBatchSize()));
    row(out, "ids per request", count(l.maxIdsPerRequest()));
    row(out, "queued tasks", count(l.maxQueuedTasks()));
    row(out, "queued tasks per tenant", count(l.maxQueuedTasksPerTenant()));
    row(out, "queued tasks per session", count(l.maxQueuedTasksPerSession()));
    row(out, "result TTL", duration(l.resultTtl()));
    row(out, "results retained", count(l.retainedMaxResults()));
    row(
        out,
        "result bytes retained",
        l.retainedMaxBytes() == 0 ? "no byte limit" : bytes(l.retainedMaxBytes()));
    row(
        out,
        "not-reading timeout",
        l.notReadingTimeout().isZero() ? "never" : duration(l.notReadingTimeout()));
    row(out, "bytes queued per stream", bytes(l.maxStreamQueueBytes()));
    row(out, "id characters", count(l.maxIdChars()));
    row(out, "labels per task", count(l.maxLabels()) + " of " + l.maxLabelChars() + " chars");
    row(
        out,
        "attempts",
        "default " + l.defaultMaxAttempts() + ", at most " + l.maxAttempts() + " per policy");
    row(out, "max retry backoff", duration(l.maxBackoff()));
    row(out, "error text kept", count(l.maxErrorChars()) + " chars");
    row(out, "cancel grace (default)", duration(l.defaultCancelGrace()));
    row(out, "worker lease", duration(l.leaseTimeout()));
    row(
        out,
        "heap headroom",
        l.maxHeapUsedPercent() >= 100 ? "off" : "refuse above " + l.maxHeapUsedPercent() + " %");
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf(Locale.ROOT, "  %-26s %s%n", name, value);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String bytes(long n) {
    return n % (1024 * 1024) == 0
        ? String.format(Locale.ROOT, "%d MiB (%,d bytes)", n / (1024 * 1024), n)
        : String.format(Locale.ROOT, "%,d bytes", n);
  }

  private static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + " h";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + " s";
    }
    return ms + " ms";
  }
}

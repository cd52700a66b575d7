package io.taskgrid.cli.internal;

import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code taskgrid worker}: the agent of one node, connected to the coordinators. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker agent: an I/O event-loop pool and one CPU child process per core.")
final class WorkerCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--coordinator"},
      split = ",",
      description = "Coordinator address host:port (repeatable; default: 127.0.0.1:7070).")
  List<String> coordinators = new ArrayList<>();

  @Option(
      names = "--cpu-processes",
      description = "CPU child processes (default: one per core); 0 makes an I/O-only worker.")
  @Nullable Integer cpuProcesses;

  @Option(
      names = "--cpu-prefetch",
      description =
          "CPU tasks each child has waiting on this worker behind the one it runs, so that it"
              + " starts the next at once; 0 leases a CPU task only to a free child, best for long"
              + " tasks spread over several workers (default: 1).")
  @Nullable Integer cpuPrefetch;

  @Option(names = "--io-capacity", description = "I/O tasks in flight at once (default: 10000).")
  @Nullable Integer ioCapacity;

  @Option(names = "--io-threads", description = "Event-loop threads of the I/O pool (default: 2).")
  @Nullable Integer ioThreads;

  @Option(names = "--plugins-dir", description = "Folder of handler jars to load.")
  @Nullable Path pluginsDir;

  @Option(
      names = ChildJvmOptions.FLAG,
      paramLabel = "OPTIONS",
      description =
          "JVM options of the CPU child processes, separated by spaces, e.g. \"-Xmx1g\"; they"
              + " come after the defaults (-Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError),"
              + " and a collector given (e.g. -XX:+UseParallelGC) replaces SerialGC."
              + " A task that runs its child out of memory ends FAILED and the child is replaced.")
  @Nullable String childJvmOpts;

  @Option(names = "--id", description = "Worker id (default: node-pid-random).")
  @Nullable String workerId;

  @Option(
      names = "--metrics-port",
      defaultValue = "9401",
      description =
          "Port of the Prometheus /metrics endpoint; 0 picks a free one, -1 serves none"
              + " (default: ${DEFAULT-VALUE}).")
  int metricsPort = WorkerOptions.STANDARD_METRICS_PORT;

  @Option(
      names = "--metrics-host",
      defaultValue = "127.0.0.1",
      description =
          "Interface the metrics endpoint binds; 0.0.0.0 for a Prometheus on another host"
              + " (default: ${DEFAULT-VALUE}).")
  String metricsHost = WorkerOptions.DEFAULT_METRICS_HOST;

  @Option(
      names = "--http-allow",
      split = ",",
      paramLabel = "ADDRESS[:PORT]|CIDR",
      description =
          "Addresses http.get may reach although they are not public (by default it refuses"
              + " loopback, private, link-local, multicast and other non-public addresses):"
              + " 127.0.0.1:8080, [::1]:8080, 10.1.2.3 or 10.0.0.0/8; IP literals only"
              + " (repeatable or comma-separated).")
  List<String> httpAllow = new ArrayList<>();

  @Option(
      names = "--http-max-body-bytes",
      description =
          "The largest response body http.get reads; a larger one fails the task (default:"
              + " 4194304, 4 MiB).")
  @Nullable Long httpMaxBodyBytes;

  @Option(
      names = "--http-timeout-ms",
      description =
          "How long one http.get may take in all: connect, headers, body and redirects (default:"
              + " 60000).")
  @Nullable Long httpTimeoutMillis;

  @Option(
      names = "--heartbeat-ms",
      description =
          "Heartbeat interval of an idle stream in ms; keep it well under the"
              + " coordinators' lease timeout (default: 3000).")
  @Nullable Long heartbeatMillis;

  @Option(
      names = "--drain-timeout-ms",
      defaultValue = "30000",
      description =
          "On SIGTERM, how long running tasks may take to finish before they are handed"
              + " back (default: ${DEFAULT-VALUE}).")
  long drainTimeoutMillis = 30_000;

  @Option(
      names = "--exit-on-stdin-close",
      hidden = true,
      description = "Exit when standard input closes (for supervisors and tests).")
  boolean exitOnStdinClose;

  @Mixin ChannelSecurityOptions security = new ChannelSecurityOptions();

  @Override
  public Integer call() throws Exception {
    if (exitOnStdinClose) {
      LongRunning.exitWhenStdinCloses();
    }
    Worker worker = Worker.start(options());
    System.out.println(
        "taskgrid worker "
            + worker.id()
            + " started for coordinators "
            + String.join(", ", targets())
            + worker.metricsPort().stream()
                .mapToObj(p -> "; metrics on port " + p + " (/metrics)")
                .findFirst()
                .orElse(""));
    Duration drain = Duration.ofMillis(Checks.atLeast("--drain-timeout-ms", drainTimeoutMillis, 0));
    // SIGTERM: take no new work, let the running tasks finish (up to the timeout), then stop.
    LongRunning.awaitShutdown(() -> worker.shutdownGracefully(drain));
    return 0;
  }

  private List<String> targets() {
    return coordinators.isEmpty() ? List.of("127.0.0.1:7070") : coordinators;
  }

  WorkerOptions options() {
    for (String target : coordinators) {
      Addresses.checkTarget("--coordinator", target);
    }
    WorkerOptions.Builder builder =
        security
            .apply(WorkerOptions.newBuilder(), targets())
            .coordinators(targets())
            .metricsPort(MetricsPorts.check(metricsPort))
            .metricsHost(metricsHost);
    if (cpuProcesses != null) {
      builder.cpuProcesses(Checks.atLeast("--cpu-processes", cpuProcesses, 0));
    }
    if (cpuPrefetch != null) {
      builder.cpuPrefetch(Checks.between("--cpu-prefetch", cpuPrefetch, 0, 1000));
    }
    if (ioCapacity != null) {
      builder.ioCapacity(Checks.atLeast("--io-capacity", ioCapacity, 1));
    }
    if (ioThreads != null) {
      builder.ioThreads(Checks.atLeast("--io-threads", ioThreads, 1));
    }
    if (pluginsDir != null) {
      if (!Files.isDirectory(pluginsDir)) {
        throw new UsageException("--plugins-dir: " + pluginsDir + " is not a folder");
      }
      builder.pluginsDir(pluginsDir);
    }
    if (workerId != null) {
      builder.workerId(workerId);
    }
    builder.httpAllow(Checks.httpAllow("--http-allow", httpAllow));
    if (httpMaxBodyBytes != null) {
      builder.httpMaxBodyBytes(Checks.atLeast("--http-max-body-bytes", httpMaxBodyBytes, 1));
    }
    if (httpTimeoutMillis != null) {
      builder.httpTimeout(
          Duration.ofMillis(Checks.atLeast("--http-timeout-ms", httpTimeoutMillis, 1)));
    }
    if (childJvmOpts != null) {
      builder.childJvmOptions(ChildJvmOptions.parse(childJvmOpts));
    }
    if (heartbeatMillis != null) {
      builder.heartbeatInterval(
          Duration.ofMillis(Checks.atLeast("--heartbeat-ms", heartbeatMillis, 10)));
    }
    return builder.build();
  }
}

package io.taskgrid.cli.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskgrid local}: a coordinator and a worker in one process, nothing to configure. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run a coordinator and a worker in this process (a one-node cluster).")
final class LocalCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "7070",
      description = "gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 7070;

  @Option(
      names = "--metrics-port",
      defaultValue = "9400",
      description =
          "Port of the Prometheus /metrics endpoint (coordinator and worker metrics together); 0"
              + " picks a free one, -1 serves none (default: ${DEFAULT-VALUE}).")
  int metricsPort = 9400;

  @Option(names = "--cpu-processes", description = "CPU child processes (default: one per core).")
  @Nullable Integer cpuProcesses;

  @Option(
      names = ChildJvmOptions.FLAG,
      paramLabel = "OPTIONS",
      description =
          "JVM options of the CPU child processes, separated by spaces, e.g. \"-Xmx1g\""
              + " (default heap: 256m).")
  @Nullable String childJvmOpts;

  @Option(
      names = "--type-limit",
      paramLabel = "TYPE=N",
      description =
          "The most tasks of a type running at once, e.g. http.get=100 (repeatable; like"
              + " asyncio.Semaphore). Tasks beyond it wait queued.")
  Map<String, Integer> typeLimits = new LinkedHashMap<>();

  @Option(
      names = "--remember-types-for-s",
      defaultValue = "3600",
      description =
          "After the last worker offering a task type leaves, its tasks are still accepted for"
              + " this many seconds and wait queued for such a worker (a plugin worker"
              + " restarting); 0 rejects them at once (default: ${DEFAULT-VALUE}).")
  long rememberTypesForSeconds = 3600;

  @Option(
      names = "--hz-host",
      defaultValue = "127.0.0.1",
      description =
          "Interface the Hazelcast member binds (only this one; default: ${DEFAULT-VALUE}).")
  String hzHost = "127.0.0.1";

  @Option(
      names = "--hz-port",
      defaultValue = "0",
      description =
          "Port of the Hazelcast member; 0 takes the first free one from 5701 (default:"
              + " ${DEFAULT-VALUE}).")
  int hzPort = 0;

  @Option(
      names = "--http-allow",
      split = ",",
      paramLabel = "ADDRESS[:PORT]|CIDR",
      description =
          "Addresses the worker's http.get may reach although they are not public, e.g."
              + " 127.0.0.1:8080 or 10.0.0.0/8 (repeatable; like taskgrid worker --http-allow).")
  List<String> httpAllow = new ArrayList<>();

  @Option(
      names = "--port-file",
      description = "Write the bound gRPC port to this file once serving.")
  @Nullable Path portFile;

  @Option(
      names = "--exit-on-stdin-close",
      hidden = true,
      description = "Exit when standard input closes (for supervisors and tests).")
  boolean exitOnStdinClose;

  @Override
  public Integer call() throws Exception {
    Ports.check("--port", port);
    MetricsPorts.check(metricsPort);
    if (cpuProcesses != null) {
      Checks.atLeast("--cpu-processes", cpuProcesses, 1);
    }
    Checks.typeLimits("--type-limit", typeLimits);
    Duration rememberTypesFor =
        Duration.ofSeconds(
            Checks.between(
                "--remember-types-for-s",
                rememberTypesForSeconds,
                0,
                CoordinatorCommand.MAX_REMEMBER_TYPES_FOR_S));
    List<String> childJvmOptions =
        childJvmOpts == null ? List.of() : ChildJvmOptions.parse(childJvmOpts);
    if (exitOnStdinClose) {
      LongRunning.exitWhenStdinCloses();
    }
    if (hzHost.isBlank()) {
      throw new UsageException("--hz-host: must not be blank");
    }
    Ports.check("--hz-port", hzPort);
    Checks.httpAllow("--http-allow", httpAllow);
    LocalCluster cluster =
        LocalCluster.start(
            new LocalCluster.Settings(
                port,
                cpuProcesses,
                metricsPort,
                typeLimits,
                hzHost,
                hzPort,
                httpAllow,
                childJvmOptions,
                rememberTypesFor));
    System.out.println(cluster.describe());
    Ports.writePortFile(portFile, cluster.port());
    LongRunning.awaitShutdown(cluster);
    return 0;
  }
}

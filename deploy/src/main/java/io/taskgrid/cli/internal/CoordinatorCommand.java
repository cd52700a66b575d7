package io.taskgrid.cli.internal;

import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.ServerTls;
import io.taskgrid.coordinator.internal.auth.Credentials;
import io.taskgrid.coordinator.internal.auth.TokenFile;
import io.taskgrid.coordinator.internal.store.StoreFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code taskgrid coordinator}: one coordinator, a member of the Hazelcast cluster. */
@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description = "Run a coordinator (gRPC for clients and workers, task state in Hazelcast).")
final class CoordinatorCommand implements Callable<Integer> {
  /** The gRPC port clients and workers dial (also the gRPC health service's port). */
  static final String DEFAULT_PORT = "7070";

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Address the gRPC server binds to (default: ${DEFAULT-VALUE}). Any other address needs"
              + " --tls-cert/--tls-key and --auth-tokens (or"
              + " --insecure-allow-plaintext-on-network).")
  String host = "127.0.0.1";

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "The coordinator's certificate chain: serve gRPC over TLS (with --tls-key).")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "The private key (PKCS#8 PEM) of --tls-cert.")
  @Nullable Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "PEM",
      description =
          "CA bundle of client and worker certificates (mutual TLS): a certificate signed by it"
              + " authenticates as the 'cert:CN' line of --auth-tokens.")
  @Nullable Path tlsClientCa;

  @Option(
      names = "--tls-require-client-cert",
      description = "Refuse TLS connections without a client certificate (with --tls-client-ca).")
  boolean tlsRequireClientCert;

  @Option(
      names = "--auth-tokens",
      paramLabel = "FILE",
      description =
          "Credentials file: 'TOKEN ROLE TENANT [NAME]' and 'cert:CN ROLE TENANT' lines"
              + " (docs/SECURITY.md). Every RPC but health must then authenticate.")
  @Nullable Path authTokens;

  @Option(
      names = "--insecure-allow-plaintext-on-network",
      description =
          "DANGEROUS: serve a non-loopback --host without TLS or without authentication; anyone"
              + " who reaches the port can run, read and forge tasks.")
  boolean insecureAllowPlaintextOnNetwork;

  @Option(
      names = "--port",
      defaultValue = DEFAULT_PORT,
      description =
          "gRPC port for clients and workers; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 7070;

  @Option(
      names = "--cluster-name",
      defaultValue = "taskgrid",
      description = "Hazelcast cluster name; coordinators with the same name form one cluster.")
  String clusterName = "taskgrid";

  @Option(
      names = "--member",
      split = ",",
      description =
          "Another coordinator's Hazelcast address host[:port] (repeatable). None: standalone.")
  List<String> members = new ArrayList<>();

  @Option(
      names = "--kubernetes-service-dns",
      paramLabel = "NAME",
      description =
          "Find the other coordinators with Hazelcast's Kubernetes discovery: the DNS name of"
              + " their headless service (instead of --member).")
  @Nullable String kubernetesServiceDns;

  @Option(
      names = "--hz-host",
      defaultValue = "127.0.0.1",
      description =
          "Interface the Hazelcast member binds to. Member traffic is not encrypted: use a private"
              + " interface (default: ${DEFAULT-VALUE}).")
  String hazelcastHost = "127.0.0.1";

  @Option(
      names = "--hz-port",
      defaultValue = "5701",
      description = "Hazelcast member port (default: ${DEFAULT-VALUE}).")
  int hazelcastPort = 5701;

  @Option(
      names = "--metrics-port",
      defaultValue = "9400",
      description =
          "Port of the Prometheus /metrics endpoint, on --metrics-host; 0 picks a free one, -1"
              + " serves none (default: ${DEFAULT-VALUE}).")
  int metricsPort = CoordinatorOptions.STANDARD_METRICS_PORT;

  @Option(
      names = "--metrics-host",
      defaultValue = CoordinatorOptions.DEFAULT_METRICS_HOST,
      description =
          "Interface the metrics endpoint binds; 0.0.0.0 for a Prometheus on another host"
              + " (default: ${DEFAULT-VALUE}).")
  String metricsHost = CoordinatorOptions.DEFAULT_METRICS_HOST;

  @Option(
      names = "--reflection",
      description =
          "Serve gRPC server reflection (for grpcurl and similar tools; off by default, since it"
              + " describes every service to anyone who can connect).")
  boolean reflection;

  @Option(
      names = "--type-limit",
      paramLabel = "TYPE=N",
      description =
          "The most tasks of a type running at once in the whole cluster, e.g. http.get=100"
              + " (repeatable; like asyncio.Semaphore; give every coordinator the same limits)."
              + " Tasks beyond it wait queued.")
  Map<String, Integer> typeLimits = new LinkedHashMap<>();

  /** The largest {@code --remember-types-for-s}: a year. */
  static final long MAX_REMEMBER_TYPES_FOR_S = 366L * 86_400;

  @Option(
      names = "--remember-types-for-s",
      defaultValue = "3600",
      description =
          "After the last worker offering a task type leaves, its tasks are still accepted for"
              + " this many seconds and wait queued for such a worker (a plugin worker"
              + " restarting); 0 rejects them at once (default: ${DEFAULT-VALUE}).")
  long rememberTypesForSeconds = 3600;

  @Option(
      names = "--lease-timeout-ms",
      defaultValue = "10000",
      description =
          "A worker silent for longer than this is declared dead and its tasks re-queued"
              + " (default: ${DEFAULT-VALUE}).")
  long leaseTimeoutMillis = 10_000;

  @Option(
      names = "--member-timeout-ms",
      defaultValue = "10000",
      description =
          "A coordinator silent for longer than this leaves the cluster and the others adopt its"
              + " tasks (default: ${DEFAULT-VALUE}).")
  long memberTimeoutMillis = 10_000;

  @Option(
      names = "--quorum-grace-ms",
      defaultValue = "0",
      description =
          "A coordinator cut off from most of its cluster stops serving; after this long with no"
              + " majority found it presumes the others dead and serves alone (0, the default:"
              + " three member timeouts, at least 10 s). Longer: a long partition stays fenced,"
              + " but losing most coordinators at once stops the service for longer.")
  long quorumGraceMillis = 0;

  /** Size and admission limits (docs/LIMITS.md). */
  @Mixin LimitOptions limits = new LimitOptions();

  @Option(
      names = "--result-ttl-s",
      defaultValue = "3600",
      description =
          "Finished tasks' results are kept at most this long, in seconds, within the retention"
              + " budget (default: ${DEFAULT-VALUE}; see docs/RETENTION.md).")
  long resultTtlSeconds = 3600;

  @Option(
      names = "--retained-max",
      defaultValue = "500000",
      description =
          "The most finished tasks' results this coordinator keeps; the least recently used go"
              + " first. Checked against the heap at start-up (default: ${DEFAULT-VALUE}).")
  long retainedMax = 500_000;

  @Option(
      names = "--retained-max-mb",
      defaultValue = "0",
      description =
          "The most heap, in MiB, the results this coordinator keeps may take; when set it bounds"
              + " the Hazelcast store instead of --retained-max. 0: no byte limit"
              + " (default: ${DEFAULT-VALUE}).")
  long retainedMaxMib = 0;

  @Option(
      names = "--store-format",
      defaultValue = "4",
      description =
          "How the store lays out and writes its records: 4 keeps a chunk's finished results in"
              + " one entry, bounded by the store's own retention; 3 keeps them one entry each in"
              + " the chunk's partition and checks for an ended task in the write that submits it;"
              + " 2 has 3's layout without that check; 1 is the layout of releases before 2 (3 and"
              + " 2 need --retained-max of at least 34688 or --retained-max-mb; else they run 1)."
              + " Every coordinator of a cluster must run the same one: to upgrade a running"
              + " cluster of an earlier release, give the new coordinators its format"
              + " (default: ${DEFAULT-VALUE}; see docs/STORE-BATCHES.md).")
  int storeFormat = 4;

  private StoreFormat storeFormat() {
    StoreFormat format = StoreFormat.of(storeFormat);
    if (format == null) {
      throw new UsageException("--store-format: " + storeFormat + " (expected: 1, 2, 3 or 4)");
    }
    return format;
  }

  @Option(
      names = "--port-file",
      description = "Write the bound gRPC port to this file once serving (for scripts and tests).")
  @Nullable Path portFile;

  @Option(
      names = "--exit-on-stdin-close",
      hidden = true,
      description = "Exit when standard input closes (for supervisors and tests).")
  boolean exitOnStdinClose;

  @Override
  public Integer call() throws Exception {
    Ports.check("--port", port);
    Ports.check("--hz-port", hazelcastPort);
    MetricsPorts.check(metricsPort);
    Checks.typeLimits("--type-limit", typeLimits);
    for (String member : members) {
      Addresses.checkMember("--member", member);
    }
    if (kubernetesServiceDns != null && !members.isEmpty()) {
      throw new UsageException("--kubernetes-service-dns and --member are exclusive");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    if (tlsCert == null && tlsClientCa != null) {
      throw new UsageException("--tls-client-ca needs --tls-cert and --tls-key");
    }
    if (tlsRequireClientCert && tlsClientCa == null) {
      throw new UsageException("--tls-require-client-cert needs --tls-client-ca");
    }
    Credentials credentials = null;
    if (authTokens != null) {
      try {
        credentials = TokenFile.read(authTokens);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--auth-tokens: " + e.getMessage());
      }
    }
    CoordinatorOptions.Builder builder =
        limits
            .applyTo(CoordinatorOptions.newBuilder())
            .tls(
                tlsCert == null || tlsKey == null
                    ? null
                    : new ServerTls(tlsCert, tlsKey, tlsClientCa, tlsRequireClientCert))
            .credentials(credentials)
            .insecureAllowPlaintextOnNetwork(insecureAllowPlaintextOnNetwork)
            .host(host)
            .port(port)
            .clusterName(clusterName)
            .members(members)
            .kubernetesServiceDns(kubernetesServiceDns == null ? "" : kubernetesServiceDns)
            .hazelcastHost(hazelcastHost)
            .hazelcastPort(hazelcastPort)
            .metricsPort(metricsPort)
            .metricsHost(metricsHost)
            .reflection(reflection)
            .typeLimits(typeLimits)
            .rememberTypesFor(
                Duration.ofSeconds(
                    Checks.between(
                        "--remember-types-for-s",
                        rememberTypesForSeconds,
                        0,
                        MAX_REMEMBER_TYPES_FOR_S)))
            .leaseTimeout(
                Duration.ofMillis(Checks.atLeast("--lease-timeout-ms", leaseTimeoutMillis, 100)))
            .memberTimeout(
                Duration.ofMillis(Checks.atLeast("--member-timeout-ms", memberTimeoutMillis, 2000)))
            .quorumGrace(
                Duration.ofMillis(
                    Checks.between("--quorum-grace-ms", quorumGraceMillis, 0, 86_400_000L)))
            .resultTtl(Duration.ofSeconds(Checks.atLeast("--result-ttl-s", resultTtlSeconds, 1)))
            .retainedMax(Checks.between("--retained-max", retainedMax, 1_000, Integer.MAX_VALUE))
            .retainedMaxBytes(
                Checks.between("--retained-max-mb", retainedMaxMib, 0, 1L << 30) << 20)
            .storeFormat(storeFormat());
    CoordinatorOptions options;
    try {
      options = builder.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (exitOnStdinClose) {
      LongRunning.exitWhenStdinCloses();
    }
    // Hazelcast logs a bind failure with its stack trace before it throws: say it in one line
    // first.
    Ports.checkFree("--hz-port", hazelcastHost, hazelcastPort);
    Ports.checkFree("--port", host, port);
    RejoiningCoordinator coordinator = RejoiningCoordinator.start(options, portFile);
    LongRunning.awaitShutdown(coordinator);
    return 0;
  }
}

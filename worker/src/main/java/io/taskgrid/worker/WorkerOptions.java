package io.taskgrid.worker;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.worker.internal.cpu.ChildCommand;
import io.taskgrid.worker.internal.http.HttpEgressPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Worker} runs: which coordinators it connects to and the size of its pools.
 * Immutable; made with {@link #newBuilder()} and checked in {@link Builder#build()}.
 *
 * <p>Tests can connect a worker to channels they own (for example an in-process channel) with
 * {@link Builder#channels}; the coordinator targets are then not used.
 */
public final class WorkerOptions {
  /** The coordinator a worker connects to by default: a local one. */
  public static final String DEFAULT_COORDINATOR = "127.0.0.1:7070";

  /** Event-loop threads of the I/O pool by default. */
  public static final int DEFAULT_IO_THREADS = 2;

  /** I/O tasks in flight at once by default. */
  public static final int DEFAULT_IO_CAPACITY = 10_000;

  /** Threads of the pool that runs blocking I/O handlers by default. */
  public static final int DEFAULT_BLOCKING_THREADS = 16;

  /**
   * CPU tasks each child has waiting on the worker behind the one it runs, by default. One hides
   * the round trip to the coordinator between two tasks of a child (10–17 ms on 2 busy cores in the
   * seeds' CPU job without it, 0–3 ms with it); see {@link Builder#cpuPrefetch(int)}.
   */
  public static final int DEFAULT_CPU_PREFETCH = 1;

  /**
   * How often progress reports are sent on, in milliseconds: only each task's latest report of an
   * interval is sent (by the worker, and by each CPU child to the worker).
   */
  public static final long PROGRESS_INTERVAL_MILLIS = 100;

  /** How long a cancelled CPU task may take to stop before its process is killed, by default. */
  public static final Duration DEFAULT_CANCEL_GRACE_PERIOD = Duration.ofSeconds(2);

  /** How often an idle connection sends a heartbeat, by default. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);

  /** The first wait before reconnecting a failed stream, by default. */
  public static final Duration DEFAULT_RECONNECT_INITIAL_BACKOFF = Duration.ofMillis(100);

  /**
   * The longest wait between reconnect attempts, by default: a coordinator that serves again has
   * its workers back within about this long. Attempts are cheap (one TCP connect), so the cap is
   * low.
   */
  public static final Duration DEFAULT_RECONNECT_MAX_BACKOFF = Duration.ofSeconds(2);

  /** {@link #metricsPort()} value meaning: serve no metrics endpoint (the default). */
  public static final int METRICS_DISABLED = -1;

  /** The metrics port the {@code taskgrid worker} command uses unless told otherwise. */
  public static final int STANDARD_METRICS_PORT = 9401;

  /**
   * The interface the metrics endpoint binds by default: loopback only (a deployment scraped from
   * elsewhere sets {@link Builder#metricsHost}, e.g. to 0.0.0.0).
   */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  /** The largest {@code http.get} response body by default: 4 MiB. */
  public static final long DEFAULT_HTTP_MAX_BODY_BYTES = 4L << 20;

  /** The whole-exchange timeout of {@code http.get} by default. */
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(60);

  private static final WorkerOptions DEFAULT_INSTANCE = newBuilder().build();

  private final List<String> coordinators;
  private final List<Channel> channels;
  private final @Nullable String workerId;
  private final @Nullable String node;
  private final Map<String, String> labels;
  private final int ioThreads;
  private final int ioCapacity;
  private final int cpuProcesses;
  private final int cpuPrefetch;
  private final int blockingThreads;
  private final @Nullable Path pluginsDir;
  private final List<String> childJvmOptions;
  private final Clock clock;
  private final Duration cancelGracePeriod;
  private final Duration heartbeatInterval;
  private final Duration reconnectInitialBackoff;
  private final Duration reconnectMaxBackoff;
  private final String metricsHost;
  private final int metricsPort;
  private final @Nullable CollectorRegistry metricsRegistry;
  private final @Nullable String token;
  private final @Nullable Path tokenFile;
  private final boolean tls;
  private final @Nullable Path tlsCaFile;
  private final @Nullable Path tlsCertFile;
  private final @Nullable Path tlsKeyFile;
  private final List<String> httpAllow;
  private final long httpMaxBodyBytes;
  private final Duration httpTimeout;

  private WorkerOptions(Builder b) {
    this.token = b.token;
    this.tokenFile = b.tokenFile;
    this.tls = b.tls || b.tlsCaFile != null || b.tlsCertFile != null;
    this.tlsCaFile = b.tlsCaFile;
    this.tlsCertFile = b.tlsCertFile;
    this.tlsKeyFile = b.tlsKeyFile;
    this.coordinators = List.copyOf(b.coordinators);
    this.channels = List.copyOf(b.channels);
    this.workerId = b.workerId;
    this.node = b.node;
    this.labels = Map.copyOf(b.labels);
    this.ioThreads = b.ioThreads;
    this.ioCapacity = b.ioCapacity;
    this.cpuProcesses = b.cpuProcesses;
    this.cpuPrefetch = b.cpuPrefetch;
    this.blockingThreads = b.blockingThreads;
    this.pluginsDir = b.pluginsDir;
    this.childJvmOptions = List.copyOf(b.childJvmOptions);
    this.clock = b.clock;
    this.cancelGracePeriod = b.cancelGracePeriod;
    this.heartbeatInterval = b.heartbeatInterval;
    this.reconnectInitialBackoff = b.reconnectInitialBackoff;
    this.reconnectMaxBackoff = b.reconnectMaxBackoff;
    this.metricsHost = b.metricsHost;
    this.metricsPort = b.metricsPort;
    this.metricsRegistry = b.metricsRegistry;
    this.httpAllow = List.copyOf(b.httpAllow);
    this.httpMaxBodyBytes = b.httpMaxBodyBytes;
    this.httpTimeout = b.httpTimeout;
  }

  /** A builder with every default. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The options with every default (connects to {@value #DEFAULT_COORDINATOR}). */
  public static WorkerOptions getDefaultInstance() {
    return DEFAULT_INSTANCE;
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The coordinator targets, {@code host:port}; the worker keeps one stream open to each. */
  public List<String> coordinators() {
    return coordinators;
  }

  /** Channels given by the caller instead of coordinator targets (empty: use the targets). */
  public List<Channel> channels() {
    return channels;
  }

  /** The worker id; empty means generated at start ({@code node-pid-random}). */
  public Optional<String> workerId() {
    return Optional.ofNullable(workerId);
  }

  /** The node name; empty means the host name, looked up at start. */
  public Optional<String> node() {
    return Optional.ofNullable(node);
  }

  /** Labels announced to the coordinators. */
  public Map<String, String> labels() {
    return labels;
  }

  /** Event-loop threads of the I/O pool. */
  public int ioThreads() {
    return ioThreads;
  }

  /** I/O tasks in flight at once. */
  public int ioCapacity() {
    return ioCapacity;
  }

  /** CPU child processes, one task each at a time; 0 means no CPU pool. */
  public int cpuProcesses() {
    return cpuProcesses;
  }

  /** CPU tasks each child may have waiting on this worker behind the one it runs. */
  public int cpuPrefetch() {
    return cpuPrefetch;
  }

  /**
   * The CPU tasks this worker takes at once: one running per child plus the prefetched ones; 0
   * means no CPU pool.
   */
  public int cpuCapacity() {
    return cpuProcesses * (1 + cpuPrefetch);
  }

  /** Threads of the pool that runs blocking I/O handlers. */
  public int blockingThreads() {
    return blockingThreads;
  }

  /** A folder whose {@code *.jar} files hold more handlers, if any. */
  public Optional<Path> pluginsDir() {
    return Optional.ofNullable(pluginsDir);
  }

  /** Extra JVM options of the CPU child processes. */
  public List<String> childJvmOptions() {
    return childJvmOptions;
  }

  /** The clock of timestamps and deadlines. */
  public Clock clock() {
    return clock;
  }

  /** How long a cancelled CPU task may take to stop before its process is killed. */
  public Duration cancelGracePeriod() {
    return cancelGracePeriod;
  }

  /** How often an idle connection sends a heartbeat. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** The first wait before reconnecting a failed stream (doubled on each failure, with jitter). */
  public Duration reconnectInitialBackoff() {
    return reconnectInitialBackoff;
  }

  /** The longest wait between reconnect attempts. */
  public Duration reconnectMaxBackoff() {
    return reconnectMaxBackoff;
  }

  /** The interface of the metrics endpoint (default {@value #DEFAULT_METRICS_HOST}). */
  public String metricsHost() {
    return metricsHost;
  }

  /**
   * The port of the {@code /metrics} endpoint: 0 picks a free one, {@link #METRICS_DISABLED} (the
   * default) serves none.
   */
  public int metricsPort() {
    return metricsPort;
  }

  /**
   * The registry the worker's metrics go on, when the caller owns one (for example a coordinator in
   * the same process); empty: the worker makes its own, with the JVM's metrics.
   */
  public Optional<CollectorRegistry> metricsRegistry() {
    return Optional.ofNullable(metricsRegistry);
  }

  /** The bearer token sent to the coordinators, if set. */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /** The file whose first line is the bearer token, if set (read at start). */
  public Optional<Path> tokenFile() {
    return Optional.ofNullable(tokenFile);
  }

  /** Whether the coordinator channels use TLS. */
  public boolean tls() {
    return tls;
  }

  /** The CA bundle (PEM) that signs the coordinators' certificates; empty: the JVM's CAs. */
  public Optional<Path> tlsCaFile() {
    return Optional.ofNullable(tlsCaFile);
  }

  /** The worker's certificate chain (PEM) for mutual TLS, if set. */
  public Optional<Path> tlsCertFile() {
    return Optional.ofNullable(tlsCertFile);
  }

  /** The worker certificate's private key (PEM, PKCS#8), if set. */
  public Optional<Path> tlsKeyFile() {
    return Optional.ofNullable(tlsKeyFile);
  }

  /**
   * What {@code http.get} may reach beyond public addresses: IP addresses, {@code address:port}
   * pairs and CIDR blocks (empty by default: no loopback, private, link-local or other non-public
   * address).
   */
  public List<String> httpAllow() {
    return httpAllow;
  }

  /** The largest response body {@code http.get} reads; a larger one fails the task. */
  public long httpMaxBodyBytes() {
    return httpMaxBodyBytes;
  }

  /** How long one {@code http.get} exchange may take in all (connect, headers, body, redirects). */
  public Duration httpTimeout() {
    return httpTimeout;
  }

  @Override
  public String toString() {
    return "WorkerOptions{coordinators="
        + coordinators
        + ", channels="
        + channels.size()
        + ", workerId="
        + workerId
        + ", ioThreads="
        + ioThreads
        + ", ioCapacity="
        + ioCapacity
        + ", cpuProcesses="
        + cpuProcesses
        + ", cpuPrefetch="
        + cpuPrefetch
        + ", blockingThreads="
        + blockingThreads
        + ", pluginsDir="
        + pluginsDir
        + ", metricsPort="
        + metricsPort
        + ", tls="
        + tls
        + ", token="
        + (token != null ? "****" : tokenFile != null ? "file " + tokenFile : "none")
        + "}";
  }

  /** Builds {@link WorkerOptions}. Not thread-safe. */
  public static final class Builder {
    private List<String> coordinators = List.of(DEFAULT_COORDINATOR);
    private List<Channel> channels = List.of();
    private @Nullable String workerId;
    private @Nullable String node;
    private Map<String, String> labels = Map.of();
    private int ioThreads = DEFAULT_IO_THREADS;
    private int ioCapacity = DEFAULT_IO_CAPACITY;
    private int cpuProcesses = Runtime.getRuntime().availableProcessors();
    private int cpuPrefetch = DEFAULT_CPU_PREFETCH;
    private int blockingThreads = DEFAULT_BLOCKING_THREADS;
    private @Nullable Path pluginsDir;
    private List<String> childJvmOptions = List.of();
    private Clock clock = Clock.systemUTC();
    private Duration cancelGracePeriod = DEFAULT_CANCEL_GRACE_PERIOD;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration reconnectInitialBackoff = DEFAULT_RECONNECT_INITIAL_BACKOFF;
    private Duration reconnectMaxBackoff = DEFAULT_RECONNECT_MAX_BACKOFF;
    private String metricsHost = DEFAULT_METRICS_HOST;
    private int metricsPort = METRICS_DISABLED;
    private @Nullable CollectorRegistry metricsRegistry;
    private @Nullable String token;
    private @Nullable Path tokenFile;
    private boolean tls;
    private @Nullable Path tlsCaFile;
    private @Nullable Path tlsCertFile;
    private @Nullable Path tlsKeyFile;
    private List<String> httpAllow = List.of();
    private long httpMaxBodyBytes = DEFAULT_HTTP_MAX_BODY_BYTES;
    private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;

    private Builder() {}

    private Builder(WorkerOptions o) {
      coordinators = o.coordinators;
      channels = o.channels;
      workerId = o.workerId;
      node = o.node;
      labels = o.labels;
      ioThreads = o.ioThreads;
      ioCapacity = o.ioCapacity;
      cpuProcesses = o.cpuProcesses;
      cpuPrefetch = o.cpuPrefetch;
      blockingThreads = o.blockingThreads;
      pluginsDir = o.pluginsDir;
      childJvmOptions = o.childJvmOptions;
      clock = o.clock;
      cancelGracePeriod = o.cancelGracePeriod;
      heartbeatInterval = o.heartbeatInterval;
      reconnectInitialBackoff = o.reconnectInitialBackoff;
      reconnectMaxBackoff = o.reconnectMaxBackoff;
      metricsHost = o.metricsHost;
      metricsPort = o.metricsPort;
      metricsRegistry = o.metricsRegistry;
      token = o.token;
      tokenFile = o.tokenFile;
      tls = o.tls;
      tlsCaFile = o.tlsCaFile;
      tlsCertFile = o.tlsCertFile;
      tlsKeyFile = o.tlsKeyFile;
      httpAllow = o.httpAllow;
      httpMaxBodyBytes = o.httpMaxBodyBytes;
      httpTimeout = o.httpTimeout;
    }

    /** The bearer token sent to the coordinators (null: none). */
    public Builder token(@Nullable String token) {
      this.token = token;
      return this;
    }

    /** A file whose first line is the bearer token (null: none). */
    public Builder tokenFile(@Nullable Path tokenFile) {
      this.tokenFile = tokenFile;
      return this;
    }

    /** Use TLS to the coordinators (implied by a CA file or a certificate). */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** The CA bundle (PEM) that signs the coordinators' certificates (null: the JVM's CAs). */
    public Builder tlsCaFile(@Nullable Path tlsCaFile) {
      this.tlsCaFile = tlsCaFile;
      return this;
    }

    /** The worker's certificate chain and private key (PEM) for mutual TLS (nulls: none). */
    public Builder tlsClientCertificate(@Nullable Path certFile, @Nullable Path keyFile) {
      this.tlsCertFile = certFile;
      this.tlsKeyFile = keyFile;
      return this;
    }

    /**
     * Addresses {@code http.get} may reach although they are not public: {@code 127.0.0.1:8080},
     * {@code [::1]:8080}, {@code 10.1.2.3} or {@code 10.0.0.0/8} (IP literals only).
     */
    public Builder httpAllow(List<String> httpAllow) {
      this.httpAllow = List.copyOf(requireNonNull(httpAllow, "httpAllow"));
      return this;
    }

    /** The largest {@code http.get} body (default {@value #DEFAULT_HTTP_MAX_BODY_BYTES} bytes). */
    public Builder httpMaxBodyBytes(long httpMaxBodyBytes) {
      this.httpMaxBodyBytes = httpMaxBodyBytes;
      return this;
    }

    /** The whole-exchange timeout of {@code http.get} (default 60 s). */
    public Builder httpTimeout(Duration httpTimeout) {
      this.httpTimeout = requireNonNull(httpTimeout, "httpTimeout");
      return this;
    }

    /** The interface the metrics endpoint binds. */
    public Builder metricsHost(String metricsHost) {
      this.metricsHost = requireNonNull(metricsHost, "metricsHost");
      return this;
    }

    /** The metrics endpoint's port (0: a free one; {@link #METRICS_DISABLED}: none). */
    public Builder metricsPort(int metricsPort) {
      this.metricsPort = metricsPort;
      return this;
    }

    /** A registry owned by the caller for the worker's metrics (never the default registry). */
    public Builder metricsRegistry(CollectorRegistry metricsRegistry) {
      this.metricsRegistry = requireNonNull(metricsRegistry, "metricsRegistry");
      return this;
    }

    /** The coordinator targets ({@code host:port}, at least one). */
    public Builder coordinators(List<String> coordinators) {
      this.coordinators = List.copyOf(requireNonNull(coordinators, "coordinators"));
      return this;
    }

    /**
     * Channels to use instead of the coordinator targets, one stream each; the caller owns and
     * shuts them down. Meant for tests (for example an in-process channel).
     */
    public Builder channels(List<? extends Channel> channels) {
      this.channels = List.copyOf(requireNonNull(channels, "channels"));
      return this;
    }

    /** The worker id (default: {@code node-pid-random}). */
    public Builder workerId(String workerId) {
      this.workerId = requireNonNull(workerId, "workerId");
      return this;
    }

    /** The node name (default: the host name). */
    public Builder node(String node) {
      this.node = requireNonNull(node, "node");
      return this;
    }

    /** Labels announced to the coordinators. */
    public Builder labels(Map<String, String> labels) {
      this.labels = new LinkedHashMap<>(requireNonNull(labels, "labels"));
      return this;
    }

    /** Event-loop threads of the I/O pool (default {@value #DEFAULT_IO_THREADS}). */
    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    /** I/O tasks in flight at once (default {@value #DEFAULT_IO_CAPACITY}). */
    public Builder ioCapacity(int ioCapacity) {
      this.ioCapacity = ioCapacity;
      return this;
    }

    /** CPU child processes (default: the number of processors; 0: no CPU pool). */
    public Builder cpuProcesses(int cpuProcesses) {
      this.cpuProcesses = cpuProcesses;
      return this;
    }

    /**
     * CPU tasks each child may have waiting on this worker behind the one it runs (default {@value
     * #DEFAULT_CPU_PREFETCH}), like Celery's prefetch multiplier: a child that finishes starts its
     * next task at once instead of after a round trip to the coordinator. 0 leases a CPU task only
     * to a free child, which spreads long tasks best over several workers: a prefetched task waits
     * behind its child's current one even if another worker is idle.
     */
    public Builder cpuPrefetch(int cpuPrefetch) {
      this.cpuPrefetch = cpuPrefetch;
      return this;
    }

    /** Threads for blocking I/O handlers (default {@value #DEFAULT_BLOCKING_THREADS}). */
    public Builder blockingThreads(int blockingThreads) {
      this.blockingThreads = blockingThreads;
      return this;
    }

    /** A folder of handler jars, added to the handler class path and the children's class path. */
    public Builder pluginsDir(Path pluginsDir) {
      this.pluginsDir = requireNonNull(pluginsDir, "pluginsDir");
      return this;
    }

    /**
     * Extra JVM options of the CPU child processes, for example {@code -Xmx512m}; they come after
     * the children's defaults ({@code -Xmx256m -XX:+ExitOnOutOfMemoryError ...}), so they win. No
     * class path or main class, nothing that prints to stdout (the children's frames travel there):
     * {@link #build()} rejects those.
     */
    public Builder childJvmOptions(List<String> childJvmOptions) {
      this.childJvmOptions = List.copyOf(requireNonNull(childJvmOptions, "childJvmOptions"));
      return this;
    }

    /** The clock of timestamps and deadlines (default: the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** How long a cancelled CPU task may take to stop before its process is killed. */
    public Builder cancelGracePeriod(Duration cancelGracePeriod) {
      this.cancelGracePeriod = requireNonNull(cancelGracePeriod, "cancelGracePeriod");
      return this;
    }

    /** How often an idle connection sends a heartbeat. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = requireNonNull(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /** The first and the longest wait between reconnect attempts. */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      this.reconnectInitialBackoff = requireNonNull(initial, "initial");
      this.reconnectMaxBackoff = requireNonNull(max, "max");
      return this;
    }

    /**
     * Checks the options and builds them.
     *
     * @throws IllegalArgumentException naming the first invalid option
     */
    public WorkerOptions build() {
      check(
          (tlsCertFile == null) == (tlsKeyFile == null),
          "tlsClientCertificate",
          tlsCertFile + ", " + tlsKeyFile,
          "both files or neither");
      check(token == null || tokenFile == null, "token", "and tokenFile", "give one, not both");
      check(
          token == null || (!token.isBlank() && token.chars().allMatch(c -> c > 0x20 && c < 0x7f)),
          "token",
          "****",
          "printable ASCII without spaces");
      if (channels.isEmpty()) {
        check(!coordinators.isEmpty(), "coordinators", coordinators, "at least one host:port");
        for (String target : coordinators) {
          check(isTarget(target), "coordinators", target, "host:port");
        }
      }
      if (workerId != null) {
        check(!workerId.isBlank(), "workerId", "'" + workerId + "'", "not blank");
      }
      if (node != null) {
        check(!node.isBlank(), "node", "'" + node + "'", "not blank");
      }
      check(ioThreads > 0, "ioThreads", ioThreads, "> 0");
      check(ioCapacity > 0, "ioCapacity", ioCapacity, "> 0");
      check(cpuProcesses >= 0, "cpuProcesses", cpuProcesses, ">= 0");
      check(cpuPrefetch >= 0 && cpuPrefetch <= 1000, "cpuPrefetch", cpuPrefetch, "0..1000");
      check(
          (long) cpuProcesses * (1 + cpuPrefetch) <= Integer.MAX_VALUE,
          "cpuProcesses",
          cpuProcesses,
          "at most " + Integer.MAX_VALUE / (1 + cpuPrefetch) + " with cpuPrefetch " + cpuPrefetch);
      check(blockingThreads > 0, "blockingThreads", blockingThreads, "> 0");
      for (String option : childJvmOptions) {
        String problem = ChildCommand.problem(option);
        if (problem != null) {
          throw new IllegalArgumentException("childJvmOptions: " + problem);
        }
      }
      check(
          metricsPort == METRICS_DISABLED || (metricsPort >= 0 && metricsPort <= 65535),
          "metricsPort",
          metricsPort,
          "0..65535 or -1 (disabled)");
      check(!metricsHost.isBlank(), "metricsHost", "'" + metricsHost + "'", "not blank");
      check(!cancelGracePeriod.isNegative(), "cancelGracePeriod", cancelGracePeriod, ">= 0");
      check(isPositive(heartbeatInterval), "heartbeatInterval", heartbeatInterval, "> 0");
      check(
          isPositive(reconnectInitialBackoff),
          "reconnectInitialBackoff",
          reconnectInitialBackoff,
          "> 0");
      check(
          reconnectMaxBackoff.compareTo(reconnectInitialBackoff) >= 0,
          "reconnectMaxBackoff",
          reconnectMaxBackoff,
          ">= reconnectInitialBackoff");
      check(httpMaxBodyBytes >= 1, "httpMaxBodyBytes", httpMaxBodyBytes, ">= 1");
      check(isPositive(httpTimeout), "httpTimeout", httpTimeout, "> 0");
      // Parses every allow-list entry: the first bad one is reported with the accepted forms.
      HttpEgressPolicy.of(httpAllow, httpMaxBodyBytes, httpTimeout);
      return new WorkerOptions(this);
    }

    private static boolean isPositive(Duration d) {
      return !d.isNegative() && !d.isZero();
    }

    private static boolean isTarget(String target) {
      int colon = target.lastIndexOf(':');
      if (colon <= 0 || colon == target.length() - 1) {
        return false;
      }
      try {
        int port = Integer.parseInt(target.substring(colon + 1));
        return port > 0 && port < 65536;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    private static void check(boolean ok, String name, Object value, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
      }
    }
  }
}

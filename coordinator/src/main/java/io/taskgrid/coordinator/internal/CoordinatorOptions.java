package io.taskgrid.coordinator.internal;

import io.taskgrid.coordinator.internal.auth.Credentials;
import io.taskgrid.coordinator.internal.sched.PendingCancels;
import io.taskgrid.coordinator.internal.store.Retention;
import io.taskgrid.coordinator.internal.store.StoreFormat;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of one coordinator. Build with {@link #newBuilder()}; {@link Builder#build()}
 * validates every value and throws {@link IllegalArgumentException} with a clear message.
 */
public final class CoordinatorOptions {
  /** {@link #metricsPort()} value meaning: serve no metrics endpoint (the library default). */
  public static final int METRICS_DISABLED = -1;

  /** The metrics port the {@code taskgrid coordinator} command uses unless told otherwise. */
  public static final int STANDARD_METRICS_PORT = 9400;

  /** How long a worker may be silent before it is declared dead, by default. */
  public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(10);

  /** How long a task type stays accepted after its last worker left, by default. */
  public static final Duration DEFAULT_REMEMBER_TYPES_FOR = Duration.ofHours(1);

  /** How long a coordinator may be silent before the others remove it, by default. */
  public static final Duration DEFAULT_MEMBER_TIMEOUT = Duration.ofSeconds(10);

  /** The interface the metrics endpoint binds by default: loopback only. */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  /** Payload size limit by default: a 4 MiB input (or output) is accepted. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

  /**
   * The largest {@link #maxPayloadBytes()} allowed: a payload plus its envelope must stay under the
   * 64 MiB inbound limit the SDK and the worker set for what the coordinator sends them.
   */
  public static final int MAX_PAYLOAD_LIMIT = 32 * 1024 * 1024;

  /** The coalescing budget of one outbound message by default, under gRPC's default 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 3 * 1024 * 1024;

  /** Task ids in one attach, cancel or watch request by default. */
  public static final int DEFAULT_MAX_IDS_PER_REQUEST = 10_000;

  /** The smallest id limit: the SDK sends attaches and cancels in chunks of this many. */
  public static final int MIN_IDS_PER_REQUEST = 1_000;

  /** Queued plus running tasks on one coordinator by default. */
  public static final long DEFAULT_MAX_QUEUED_TASKS = 2_000_000;

  /** Queued plus running tasks of one tenant on one coordinator by default. */
  public static final long DEFAULT_MAX_QUEUED_TASKS_PER_TENANT = 1_000_000;

  /** Queued plus running tasks submitted on one Session stream by default. */
  public static final long DEFAULT_MAX_QUEUED_TASKS_PER_SESSION = 250_000;

  /** New tasks are refused while the heap used after the last GC is above this share of max. */
  public static final int DEFAULT_MAX_HEAP_USED_PERCENT = 85;

  /** How long a client may leave messages unread before its stream is closed, by default. */
  public static final Duration DEFAULT_NOT_READING_TIMEOUT = Duration.ofSeconds(60);

  /** Bytes queued for one client stream before it is closed as not reading, by default. */
  public static final long DEFAULT_MAX_STREAM_QUEUE_BYTES = 64L * 1024 * 1024;

  /** Cancels held for tasks not registered yet, per tenant, by default. */
  public static final int DEFAULT_MAX_HELD_CANCELS_PER_TENANT =
      PendingCancels.Limits.DEFAULT_MAX_PER_TENANT;

  /** How long a cancel waits for its task to register, by default. */
  public static final Duration DEFAULT_HELD_CANCEL_TIME = PendingCancels.Limits.DEFAULT_HOLD_TIME;

  private static final CoordinatorOptions DEFAULT = newBuilder().build();

  private final String host;
  private final int port;
  private final String clusterName;
  private final List<String> members;
  private final String kubernetesServiceDns;
  private final String hazelcastHost;
  private final int hazelcastPort;
  private final Duration resultTtl;
  private final long retainedMax;
  private final long retainedMaxBytes;
  private final StoreFormat storeFormat;
  private final int maxPayloadBytes;
  private final int maxBatchSize;
  private final long maxQueuedTasks;
  private final int maxMessageBytes;
  private final int maxIdsPerRequest;
  private final long maxQueuedTasksPerTenant;
  private final long maxQueuedTasksPerSession;
  private final int maxHeapUsedPercent;
  private final Duration notReadingTimeout;
  private final int maxHeldCancelsPerTenant;
  private final Duration heldCancelTime;
  private final long maxStreamQueueBytes;
  private final Map<String, Integer> typeLimits;
  private final Duration rememberTypesFor;
  private final Clock clock;
  private final int metricsPort;
  private final Duration leaseTimeout;
  private final Duration memberTimeout;
  private final Duration quorumGrace;
  private final @Nullable ServerTls tls;
  private final @Nullable Credentials credentials;
  private final boolean insecureAllowPlaintextOnNetwork;
  private final String metricsHost;
  private final boolean reflection;

  private CoordinatorOptions(Builder b) {
    this.tls = b.tls;
    this.credentials = b.credentials;
    this.insecureAllowPlaintextOnNetwork = b.insecureAllowPlaintextOnNetwork;
    this.metricsHost = b.metricsHost;
    this.reflection = b.reflection;
    this.leaseTimeout = b.leaseTimeout;
    this.memberTimeout = b.memberTimeout;
    this.quorumGrace = b.quorumGrace;
    this.host = b.host;
    this.port = b.port;
    this.clusterName = b.clusterName;
    this.members = List.copyOf(b.members);
    this.kubernetesServiceDns = b.kubernetesServiceDns;
    this.hazelcastHost = b.hazelcastHost;
    this.hazelcastPort = b.hazelcastPort;
    this.resultTtl = b.resultTtl;
    this.retainedMax = b.retainedMax;
    this.retainedMaxBytes = b.retainedMaxBytes;
    this.storeFormat = b.storeFormat;
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.maxBatchSize = b.maxBatchSize;
    this.maxQueuedTasks = b.maxQueuedTasks;
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxIdsPerRequest = b.maxIdsPerRequest;
    this.maxQueuedTasksPerTenant = b.maxQueuedTasksPerTenant;
    this.maxQueuedTasksPerSession = b.maxQueuedTasksPerSession;
    this.maxHeapUsedPercent = b.maxHeapUsedPercent;
    this.notReadingTimeout = b.notReadingTimeout;
    this.maxHeldCancelsPerTenant = b.maxHeldCancelsPerTenant;
    this.heldCancelTime = b.heldCancelTime;
    this.maxStreamQueueBytes = b.maxStreamQueueBytes;
    this.typeLimits = Map.copyOf(b.typeLimits);
    this.rememberTypesFor = b.rememberTypesFor;
    this.clock = b.clock;
    this.metricsPort = b.metricsPort;
  }

  /** The defaults: loopback, port 7070, standalone Hazelcast on 127.0.0.1:5701, 1 h result TTL. */
  public static CoordinatorOptions getDefaultInstance() {
    return DEFAULT;
  }

  /** A builder holding the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.clusterName = clusterName;
    b.members = members;
    b.kubernetesServiceDns = kubernetesServiceDns;
    b.hazelcastHost = hazelcastHost;
    b.hazelcastPort = hazelcastPort;
    b.resultTtl = resultTtl;
    b.retainedMax = retainedMax;
    b.retainedMaxBytes = retainedMaxBytes;
    b.storeFormat = storeFormat;
    b.maxPayloadBytes = maxPayloadBytes;
    b.maxBatchSize = maxBatchSize;
    b.maxQueuedTasks = maxQueuedTasks;
    b.maxMessageBytes = maxMessageBytes;
    b.maxIdsPerRequest = maxIdsPerRequest;
    b.maxQueuedTasksPerTenant = maxQueuedTasksPerTenant;
    b.maxQueuedTasksPerSession = maxQueuedTasksPerSession;
    b.maxHeapUsedPercent = maxHeapUsedPercent;
    b.notReadingTimeout = notReadingTimeout;
    b.maxHeldCancelsPerTenant = maxHeldCancelsPerTenant;
    b.heldCancelTime = heldCancelTime;
    b.maxStreamQueueBytes = maxStreamQueueBytes;
    b.typeLimits = typeLimits;
    b.rememberTypesFor = rememberTypesFor;
    b.clock = clock;
    b.metricsPort = metricsPort;
    b.leaseTimeout = leaseTimeout;
    b.memberTimeout = memberTimeout;
    b.quorumGrace = quorumGrace;
    b.tls = tls;
    b.credentials = credentials;
    b.insecureAllowPlaintextOnNetwork = insecureAllowPlaintextOnNetwork;
    b.metricsHost = metricsHost;
    b.reflection = reflection;
    return b;
  }

  /** The address the gRPC server binds. */
  public String host() {
    return host;
  }

  /** The gRPC port; 0 means an ephemeral port. */
  public int port() {
    return port;
  }

  /** The Hazelcast cluster name shared by all coordinators of one cluster. */
  public String clusterName() {
    return clusterName;
  }

  /** Hazelcast members to join (host[:port]); empty means standalone. */
  public List<String> members() {
    return members;
  }

  /**
   * The DNS name of the Kubernetes headless service whose pods are the other members (Hazelcast's
   * built-in Kubernetes discovery, DNS lookup mode); empty when not on Kubernetes.
   */
  public String kubernetesServiceDns() {
    return kubernetesServiceDns;
  }

  /** The interface Hazelcast binds (keep it private: member traffic is not encrypted). */
  public String hazelcastHost() {
    return hazelcastHost;
  }

  /** The Hazelcast port; 0 lets Hazelcast choose from 5701 upwards. */
  public int hazelcastPort() {
    return hazelcastPort;
  }

  /** How long terminal results stay in the store. */
  public Duration resultTtl() {
    return resultTtl;
  }

  /** The most finished records this coordinator keeps (oldest evicted first); see RETENTION.md. */
  public long retainedMax() {
    return retainedMax;
  }

  /** The most bytes of finished records this coordinator keeps; 0: no byte limit. */
  public long retainedMaxBytes() {
    return retainedMaxBytes;
  }

  /**
   * The store format asked for ({@code --store-format}); the one run also depends on the budget
   * ({@link io.taskgrid.coordinator.internal.store.HazelcastTaskStore#effectiveFormat}).
   */
  public StoreFormat storeFormat() {
    return storeFormat;
  }

  /** The retention budget of finished records: {@link #resultTtl()} within the size limits. */
  public Retention retention() {
    return new Retention(resultTtl, retainedMax, retainedMaxBytes);
  }

  /** The largest accepted task payload in bytes. */
  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** The most tasks in one submit batch. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** The most tasks queued or running at once on this coordinator. */
  public long maxQueuedTasks() {
    return maxQueuedTasks;
  }

  /**
   * The budget of one message this coordinator sends: coalescing and batching stop before a message
   * grows past it. One item larger than the budget (a result near {@link #maxPayloadBytes()}) still
   * travels, alone.
   */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The most task ids in one attach, cancel or watch request. */
  public int maxIdsPerRequest() {
    return maxIdsPerRequest;
  }

  /** The most tasks of one tenant queued or running at once on this coordinator. */
  public long maxQueuedTasksPerTenant() {
    return maxQueuedTasksPerTenant;
  }

  /** The most tasks submitted on one Session stream that are queued or running at once. */
  public long maxQueuedTasksPerSession() {
    return maxQueuedTasksPerSession;
  }

  /**
   * New tasks are refused (RESOURCE_EXHAUSTED) while the heap used after the last garbage
   * collection is above this percentage of the maximum heap; 100 turns the check off.
   */
  public int maxHeapUsedPercent() {
    return maxHeapUsedPercent;
  }

  /**
   * How long a client (Session or Watch) may leave queued messages unread before its stream is
   * closed with RESOURCE_EXHAUSTED; zero never closes it for that.
   */
  public Duration notReadingTimeout() {
    return notReadingTimeout;
  }

  /** Bytes queued for one client stream before it is closed as not reading. */
  public long maxStreamQueueBytes() {
    return maxStreamQueueBytes;
  }

  /**
   * The most cancels held for one tenant's tasks that this coordinator has not registered yet (a
   * cancel that overtook its submit); a cancel beyond it is answered at once from the store. 0
   * holds none (a cancel sent before its task is stored may then be answered NOT_FOUND).
   */
  public int maxHeldCancelsPerTenant() {
    return maxHeldCancelsPerTenant;
  }

  /** How long a held cancel waits for its task before it is answered from the store. */
  public Duration heldCancelTime() {
    return heldCancelTime;
  }

  /** The two settings above, as the scheduler takes them. */
  public PendingCancels.Limits heldCancelLimits() {
    return new PendingCancels.Limits(maxHeldCancelsPerTenant, heldCancelTime);
  }

  /**
   * The most tasks of a type running at once (the {@code asyncio.Semaphore} idea, enforced by the
   * scheduler); types not listed are unlimited. Immutable.
   */
  public Map<String, Integer> typeLimits() {
    return typeLimits;
  }

  /**
   * How long a task type stays accepted after the last worker offering it left: its tasks wait
   * queued for such a worker (a plugin worker restarting) instead of being rejected while other
   * workers stay connected. Zero rejects them as soon as no connected worker offers the type.
   */
  public Duration rememberTypesFor() {
    return rememberTypesFor;
  }

  /** The clock for timestamps and scheduling decisions. */
  public Clock clock() {
    return clock;
  }

  /**
   * The port of the {@code /metrics} HTTP endpoint, bound on {@link #metricsHost()}: 0 picks a free
   * one, {@link #METRICS_DISABLED} (the default) serves none.
   */
  public int metricsPort() {
    return metricsPort;
  }

  /**
   * The interface the metrics endpoint binds: loopback by default ({@value #DEFAULT_METRICS_HOST});
   * a deployment whose Prometheus scrapes from elsewhere sets it (for example to 0.0.0.0).
   */
  public String metricsHost() {
    return metricsHost;
  }

  /** Whether gRPC server reflection is served (off by default: it lists every service). */
  public boolean reflection() {
    return reflection;
  }

  /** How long a worker may be silent (no message at all) before it is declared dead. */
  public Duration leaseTimeout() {
    return leaseTimeout;
  }

  /**
   * How long a coordinator may be silent before the other members remove it from the cluster and
   * adopt its tasks (Hazelcast's heartbeat timeout).
   */
  public Duration memberTimeout() {
    return memberTimeout;
  }

  /**
   * How long a coordinator in a minority of its cluster waits for a majority before it presumes the
   * missing members dead and serves as the cluster (see MinorityWatch); zero: the default for the
   * member timeout (three member timeouts, at least 10 s).
   */
  public Duration quorumGrace() {
    return quorumGrace;
  }

  /** The server's TLS settings; null serves plaintext (allowed on loopback only, by default). */
  public @Nullable ServerTls tls() {
    return tls;
  }

  /**
   * Who may call: every RPC but health must carry one of these credentials. Null authenticates
   * nobody: every caller is {@link io.taskgrid.coordinator.internal.auth.Principal#UNAUTHENTICATED}
   * (allowed on loopback only, by default).
   */
  public @Nullable Credentials credentials() {
    return credentials;
  }

  /**
   * Serve a non-loopback address without TLS or without authentication (anyone who reaches the port
   * owns the cluster). Off by default: the coordinator refuses to start then.
   */
  public boolean insecureAllowPlaintextOnNetwork() {
    return insecureAllowPlaintextOnNetwork;
  }

  @Override
  public String toString() {
    return "CoordinatorOptions{host="
        + host
        + ", port="
        + port
        + ", clusterName="
        + clusterName
        + ", members="
        + members
        + (kubernetesServiceDns.isEmpty() ? "" : ", kubernetesServiceDns=" + kubernetesServiceDns)
        + ", hazelcast="
        + hazelcastHost
        + ":"
        + hazelcastPort
        + ", resultTtl="
        + resultTtl
        + ", retainedMax="
        + retainedMax
        + ", retainedMaxBytes="
        + retainedMaxBytes
        + ", storeFormat="
        + storeFormat
        + ", maxPayloadBytes="
        + maxPayloadBytes
        + ", maxBatchSize="
        + maxBatchSize
        + ", maxQueuedTasks="
        + maxQueuedTasks
        + ", maxMessageBytes="
        + maxMessageBytes
        + ", maxIdsPerRequest="
        + maxIdsPerRequest
        + ", maxQueuedTasksPerTenant="
        + maxQueuedTasksPerTenant
        + ", maxQueuedTasksPerSession="
        + maxQueuedTasksPerSession
        + ", maxHeapUsedPercent="
        + maxHeapUsedPercent
        + ", notReadingTimeout="
        + notReadingTimeout
        + ", maxStreamQueueBytes="
        + maxStreamQueueBytes
        + ", maxHeldCancelsPerTenant="
        + maxHeldCancelsPerTenant
        + ", heldCancelTime="
        + heldCancelTime
        + ", metricsPort="
        + metricsPort
        + ", typeLimits="
        + typeLimits
        + ", rememberTypesFor="
        + rememberTypesFor
        + ", leaseTimeout="
        + leaseTimeout
        + ", memberTimeout="
        + memberTimeout
        + ", tls="
        + (tls != null)
        + ", authentication="
        + (credentials != null)
        + (insecureAllowPlaintextOnNetwork ? ", insecureAllowPlaintextOnNetwork" : "")
        + "}";
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 7070;
    private String clusterName = "taskgrid";
    private List<String> members = List.of();
    private String kubernetesServiceDns = "";
    private String hazelcastHost = "127.0.0.1";
    private int hazelcastPort = 5701;
    private Duration resultTtl = Duration.ofHours(1);
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private long retainedMax = Retention.DEFAULT_MAX_RECORDS;
    private long retainedMaxBytes = 0;
    private StoreFormat storeFormat = StoreFormat.CURRENT;
    private int maxBatchSize = 10_000;
    private long maxQueuedTasks = DEFAULT_MAX_QUEUED_TASKS;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxIdsPerRequest = DEFAULT_MAX_IDS_PER_REQUEST;
    private long maxQueuedTasksPerTenant = DEFAULT_MAX_QUEUED_TASKS_PER_TENANT;
    private long maxQueuedTasksPerSession = DEFAULT_MAX_QUEUED_TASKS_PER_SESSION;
    private int maxHeapUsedPercent = DEFAULT_MAX_HEAP_USED_PERCENT;
    private Duration notReadingTimeout = DEFAULT_NOT_READING_TIMEOUT;
    private int maxHeldCancelsPerTenant = DEFAULT_MAX_HELD_CANCELS_PER_TENANT;
    private Duration heldCancelTime = DEFAULT_HELD_CANCEL_TIME;
    private long maxStreamQueueBytes = DEFAULT_MAX_STREAM_QUEUE_BYTES;
    private Map<String, Integer> typeLimits = Map.of();
    private Duration rememberTypesFor = DEFAULT_REMEMBER_TYPES_FOR;
    private Clock clock = Clock.systemUTC();
    private int metricsPort = METRICS_DISABLED;
    private Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;
    private Duration memberTimeout = DEFAULT_MEMBER_TIMEOUT;
    private Duration quorumGrace = Duration.ZERO;
    private @Nullable ServerTls tls;
    private @Nullable Credentials credentials;
    private boolean insecureAllowPlaintextOnNetwork;
    private String metricsHost = DEFAULT_METRICS_HOST;
    private boolean reflection;

    private Builder() {}

    /** Serves TLS with these settings; null serves plaintext. */
    public Builder tls(@Nullable ServerTls tls) {
      this.tls = tls;
      return this;
    }

    /** Authenticates every call against these credentials; null authenticates nobody. */
    public Builder credentials(@Nullable Credentials credentials) {
      this.credentials = credentials;
      return this;
    }

    /** Allows serving a non-loopback address without TLS or authentication. */
    public Builder insecureAllowPlaintextOnNetwork(boolean allow) {
      this.insecureAllowPlaintextOnNetwork = allow;
      return this;
    }

    /** Sets the interface the metrics endpoint binds (default loopback). */
    public Builder metricsHost(String metricsHost) {
      this.metricsHost = Objects.requireNonNull(metricsHost, "metricsHost");
      return this;
    }

    /** Serves gRPC server reflection (default off). */
    public Builder reflection(boolean reflection) {
      this.reflection = reflection;
      return this;
    }

    /** Sets how long a worker may be silent before it is declared dead. */
    public Builder leaseTimeout(Duration leaseTimeout) {
      this.leaseTimeout = Objects.requireNonNull(leaseTimeout, "leaseTimeout");
      return this;
    }

    /** Sets the minority's quorum grace (zero: the default for the member timeout). */
    public Builder quorumGrace(Duration quorumGrace) {
      this.quorumGrace = Objects.requireNonNull(quorumGrace, "quorumGrace");
      return this;
    }

    /** Sets how long a coordinator may be silent before the others remove it. */
    public Builder memberTimeout(Duration memberTimeout) {
      this.memberTimeout = Objects.requireNonNull(memberTimeout, "memberTimeout");
      return this;
    }

    /** Sets the gRPC bind address. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Sets the gRPC port (0 = ephemeral). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Sets the Hazelcast cluster name. */
    public Builder clusterName(String clusterName) {
      this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
      return this;
    }

    /** Sets the Hazelcast members to join (host[:port]). */
    public Builder members(List<String> members) {
      this.members = List.copyOf(members);
      return this;
    }

    /**
     * Finds the other members through Kubernetes: the DNS name of their headless service, for
     * example {@code taskgrid-coordinator-hz.default.svc.cluster.local}; empty turns it off.
     */
    public Builder kubernetesServiceDns(String kubernetesServiceDns) {
      this.kubernetesServiceDns =
          Objects.requireNonNull(kubernetesServiceDns, "kubernetesServiceDns");
      return this;
    }

    /** Sets the Hazelcast bind address. */
    public Builder hazelcastHost(String hazelcastHost) {
      this.hazelcastHost = Objects.requireNonNull(hazelcastHost, "hazelcastHost");
      return this;
    }

    /** Sets the Hazelcast port (0 = let Hazelcast choose). */
    public Builder hazelcastPort(int hazelcastPort) {
      this.hazelcastPort = hazelcastPort;
      return this;
    }

    /** Sets how long results are kept. */
    public Builder resultTtl(Duration resultTtl) {
      this.resultTtl = Objects.requireNonNull(resultTtl, "resultTtl");
      return this;
    }

    /** Sets the most finished records kept (1000 and up). */
    public Builder retainedMax(long retainedMax) {
      this.retainedMax = retainedMax;
      return this;
    }

    /** Sets the most bytes of finished records kept (0: no byte limit, else 1 MiB and up). */
    public Builder retainedMaxBytes(long retainedMaxBytes) {
      this.retainedMaxBytes = retainedMaxBytes;
      return this;
    }

    /** Sets the store format to run (docs/STORE-BATCHES.md, "Store formats and upgrades"). */
    public Builder storeFormat(StoreFormat storeFormat) {
      this.storeFormat = Objects.requireNonNull(storeFormat, "storeFormat");
      return this;
    }

    /** Sets the payload size limit in bytes. */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /** Sets the batch size limit. */
    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    /** Sets the limit of queued plus running tasks. */
    public Builder maxQueuedTasks(long maxQueuedTasks) {
      this.maxQueuedTasks = maxQueuedTasks;
      return this;
    }

    /** Sets the coalescing budget of one outbound message, in bytes. */
    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /** Sets the most task ids in one attach, cancel or watch request. */
    public Builder maxIdsPerRequest(int maxIdsPerRequest) {
      this.maxIdsPerRequest = maxIdsPerRequest;
      return this;
    }

    /** Sets the most queued plus running tasks of one tenant. */
    public Builder maxQueuedTasksPerTenant(long maxQueuedTasksPerTenant) {
      this.maxQueuedTasksPerTenant = maxQueuedTasksPerTenant;
      return this;
    }

    /** Sets the most queued plus running tasks submitted on one Session stream. */
    public Builder maxQueuedTasksPerSession(long maxQueuedTasksPerSession) {
      this.maxQueuedTasksPerSession = maxQueuedTasksPerSession;
      return this;
    }

    /** Sets the heap use after GC (percent of max) above which new tasks are refused. */
    public Builder maxHeapUsedPercent(int maxHeapUsedPercent) {
      this.maxHeapUsedPercent = maxHeapUsedPercent;
      return this;
    }

    /** Sets how long a client may leave messages unread (zero: forever). */
    public Builder notReadingTimeout(Duration notReadingTimeout) {
      this.notReadingTimeout = Objects.requireNonNull(notReadingTimeout, "notReadingTimeout");
      return this;
    }

    /** Sets the most cancels held per tenant for tasks not registered yet (0: none). */
    public Builder maxHeldCancelsPerTenant(int maxHeldCancelsPerTenant) {
      this.maxHeldCancelsPerTenant = maxHeldCancelsPerTenant;
      return this;
    }

    /** Sets how long a held cancel waits for its task. */
    public Builder heldCancelTime(Duration heldCancelTime) {
      this.heldCancelTime = Objects.requireNonNull(heldCancelTime, "heldCancelTime");
      return this;
    }

    /** Sets the bytes queued for one client stream before it is closed as not reading. */
    public Builder maxStreamQueueBytes(long maxStreamQueueBytes) {
      this.maxStreamQueueBytes = maxStreamQueueBytes;
      return this;
    }

    /** Sets the most running tasks per task type, for example {@code http.get -> 100}. */
    public Builder typeLimits(Map<String, Integer> typeLimits) {
      this.typeLimits = Map.copyOf(Objects.requireNonNull(typeLimits, "typeLimits"));
      return this;
    }

    /** Sets how long a task type stays accepted after its last worker left (zero: not at all). */
    public Builder rememberTypesFor(Duration rememberTypesFor) {
      this.rememberTypesFor = Objects.requireNonNull(rememberTypesFor, "rememberTypesFor");
      return this;
    }

    /** Sets the clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the metrics HTTP port (0 = ephemeral, {@link #METRICS_DISABLED} = none). */
    public Builder metricsPort(int metricsPort) {
      this.metricsPort = metricsPort;
      return this;
    }

    /** Validates and builds. */
    public CoordinatorOptions build() {
      check(!host.isBlank(), "host must not be blank");
      check(port >= 0 && port <= 65535, "port must be 0..65535, was " + port);
      check(!clusterName.isBlank(), "clusterName must not be blank");
      for (String m : members) {
        check(m != null && !m.isBlank(), "members must not contain blank entries");
      }
      check(
          kubernetesServiceDns.isEmpty() || members.isEmpty(),
          "members and kubernetesServiceDns are exclusive: give one way to find the members");
      check(
          kubernetesServiceDns.equals(kubernetesServiceDns.strip()),
          "kubernetesServiceDns must not have spaces, was '" + kubernetesServiceDns + "'");
      check(!hazelcastHost.isBlank(), "hazelcastHost must not be blank");
      check(!metricsHost.isBlank(), "metricsHost must not be blank");
      check(
          hazelcastPort >= 0 && hazelcastPort <= 65535,
          "hazelcastPort must be 0..65535, was " + hazelcastPort);
      check(
          !resultTtl.isNegative() && resultTtl.compareTo(Duration.ofSeconds(1)) >= 0,
          "resultTtl must be at least 1s (Hazelcast TTL granularity), was " + resultTtl);
      check(
          maxPayloadBytes > 0 && maxPayloadBytes <= MAX_PAYLOAD_LIMIT,
          "maxPayloadBytes must be 1.." + MAX_PAYLOAD_LIMIT + ", was " + maxPayloadBytes);
      check(
          maxMessageBytes >= 1024 * 1024 && maxMessageBytes <= MAX_PAYLOAD_LIMIT,
          "maxMessageBytes must be 1048576.." + MAX_PAYLOAD_LIMIT + ", was " + maxMessageBytes);
      check(
          maxIdsPerRequest >= MIN_IDS_PER_REQUEST && maxIdsPerRequest <= 1_000_000,
          "maxIdsPerRequest must be " + MIN_IDS_PER_REQUEST + "..1000000, was " + maxIdsPerRequest);
      check(
          maxQueuedTasksPerTenant > 0,
          "maxQueuedTasksPerTenant must be positive, was " + maxQueuedTasksPerTenant);
      check(
          maxQueuedTasksPerSession > 0,
          "maxQueuedTasksPerSession must be positive, was " + maxQueuedTasksPerSession);
      check(
          maxHeapUsedPercent >= 1 && maxHeapUsedPercent <= 100,
          "maxHeapUsedPercent must be 1..100, was " + maxHeapUsedPercent);
      check(
          !notReadingTimeout.isNegative(),
          "notReadingTimeout must not be negative, was " + notReadingTimeout);
      check(
          maxHeldCancelsPerTenant >= 0,
          "maxHeldCancelsPerTenant must not be negative, was " + maxHeldCancelsPerTenant);
      check(
          !heldCancelTime.isNegative() && heldCancelTime.compareTo(Duration.ofHours(1)) <= 0,
          "heldCancelTime must be 0..1 h, was " + heldCancelTime);
      check(
          maxStreamQueueBytes >= maxMessageBytes,
          "maxStreamQueueBytes must be at least maxMessageBytes ("
              + maxMessageBytes
              + "), was "
              + maxStreamQueueBytes);
      try {
        new Retention(resultTtl, retainedMax, retainedMaxBytes);
      } catch (IllegalArgumentException e) {
        check(false, e.getMessage());
      }
      check(maxBatchSize > 0, "maxBatchSize must be positive, was " + maxBatchSize);
      check(
          metricsPort == METRICS_DISABLED || (metricsPort >= 0 && metricsPort <= 65535),
          "metricsPort must be 0..65535 or -1 (disabled), was " + metricsPort);
      check(maxQueuedTasks > 0, "maxQueuedTasks must be positive, was " + maxQueuedTasks);
      typeLimits.forEach(
          (type, limit) -> {
            check(!type.isBlank(), "typeLimits must not have a blank task type");
            check(
                limit != null && limit > 0,
                "typeLimits[" + type + "] must be positive, was " + limit);
          });
      check(
          !rememberTypesFor.isNegative(),
          "rememberTypesFor must not be negative, was " + rememberTypesFor);
      check(
          leaseTimeout.compareTo(Duration.ofMillis(100)) >= 0,
          "leaseTimeout must be at least 100ms, was " + leaseTimeout);
      check(
          memberTimeout.compareTo(Duration.ofSeconds(2)) >= 0,
          "memberTimeout must be at least 2s (Hazelcast heartbeats are 1s apart), was "
              + memberTimeout);
      if (tls != null) {
        tls.checkReadable();
      }
      if (!insecureAllowPlaintextOnNetwork && (tls == null || credentials == null)) {
        check(
            isLoopback(host),
            "refusing to serve "
                + host
                + " without "
                + (tls == null
                    ? "TLS" + (credentials == null ? " and authentication" : "")
                    : "authentication")
                + ": give --tls-cert/--tls-key and --auth-tokens, bind --host 127.0.0.1, or pass"
                + " --insecure-allow-plaintext-on-network (anyone who reaches the port then owns"
                + " the cluster)");
      }
      check(
          credentials == null || credentials.size() > 0,
          "credentials: the token file lists no credential");
      return new CoordinatorOptions(this);
    }

    /** Whether {@code host} is a loopback address (a name is resolved; unresolvable is not). */
    static boolean isLoopback(String host) {
      try {
        for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
          if (!a.isLoopbackAddress()) {
            return false;
          }
        }
        return true;
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}

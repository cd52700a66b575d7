package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link TaskgridClient} connects and how much it keeps in flight. Immutable; build with
 * {@link #newBuilder()}, validated on {@link Builder#build()}.
 */
public final class ClientOptions {
  /** Default bound on tasks submitted but not yet ended. */
  public static final int DEFAULT_IN_FLIGHT_LIMIT = 100_000;

  /** Default deadline of unary calls such as {@link TaskgridClient#getTask}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Default largest number of tasks sent in one message. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 2_000;

  /**
   * Default largest encoded task accepted locally: the coordinator's default payload limit (4 MiB)
   * plus room for the task's envelope (id, type, labels, options; bounded by the coordinator), so
   * that a payload at the limit is sent. A larger task is rejected at once with {@code
   * RESOURCE_EXHAUSTED} instead of being sent; the coordinator accepts messages up to 64 MiB, so
   * nothing under this breaks the stream, and it refuses a payload over its own limit per task.
   */
  public static final int DEFAULT_MAX_TASK_BYTES = 4 * 1024 * 1024 + 256 * 1024;

  private final List<String> targets;
  private final int inFlightLimit;
  private final Duration defaultTimeout;
  private final Clock clock;
  private final int maxBatchSize;
  private final int maxTaskBytes;
  private final @Nullable String token;
  private final @Nullable Path tokenFile;
  private final boolean tls;
  private final @Nullable Path tlsCaFile;
  private final @Nullable Path tlsCertFile;
  private final @Nullable Path tlsKeyFile;

  private final int callbackThreads;
  private final @Nullable Executor callbackExecutor;

  /** Default number of the client's own callback threads. */
  public static final int DEFAULT_CALLBACK_THREADS = 2;

  private ClientOptions(Builder b) {
    this.token = b.token;
    this.tokenFile = b.tokenFile;
    this.tls = b.tls || b.tlsCaFile != null || b.tlsCertFile != null;
    this.tlsCaFile = b.tlsCaFile;
    this.tlsCertFile = b.tlsCertFile;
    this.tlsKeyFile = b.tlsKeyFile;
    this.callbackThreads = b.callbackThreads;
    this.callbackExecutor = b.callbackExecutor;
    this.targets = List.copyOf(b.targets);
    this.inFlightLimit = b.inFlightLimit;
    this.defaultTimeout = b.defaultTimeout;
    this.clock = b.clock;
    this.maxBatchSize = b.maxBatchSize;
    this.maxTaskBytes = b.maxTaskBytes;
  }

  /** A builder with the defaults and no targets. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    return new Builder()
        .targets(targets)
        .inFlightLimit(inFlightLimit)
        .defaultTimeout(defaultTimeout)
        .clock(clock)
        .maxBatchSize(maxBatchSize)
        .maxTaskBytes(maxTaskBytes)
        .token(token)
        .tokenFile(tokenFile)
        .tls(tls)
        .tlsCaFile(tlsCaFile)
        .tlsClientCertificate(tlsCertFile, tlsKeyFile)
        .callbackThreads(callbackThreads)
        .callbackExecutor(callbackExecutor);
  }

  /**
   * How many threads the client keeps for completion callbacks ({@code taskgrid-client-callback-N})
   * when no {@link #callbackExecutor()} is given. While all of them are blocked in callbacks and
   * completions wait, the client adds threads (about one per 10 ms, at most 512, ended when idle
   * again), so a blocking callback never stalls the other futures.
   */
  public int callbackThreads() {
    return callbackThreads;
  }

  /**
   * Where futures are completed and so where their callbacks run, if the caller supplies it (the
   * caller then owns it: the client never shuts it down); empty means the client's own {@link
   * #callbackThreads()} threads. Each completion is one task on it, so a callback that blocks holds
   * one thread, not the other completions; a fixed-size executor given here is not grown by the
   * client, so give one that grows (for example {@code Executors.newVirtualThreadPerTaskExecutor()}
   * on JDK 21) when callbacks may block or wait for other futures.
   */
  public Optional<Executor> callbackExecutor() {
    return Optional.ofNullable(callbackExecutor);
  }

  /**
   * The coordinators as {@code host:port}; the client uses the first and fails over to the next
   * when its stream breaks. May be empty only with {@link TaskgridClient#create}.
   */
  public List<String> targets() {
    return targets;
  }

  /** The most tasks submitted and not yet ended; {@code submit} blocks beyond it. */
  public int inFlightLimit() {
    return inFlightLimit;
  }

  /** The deadline of unary calls. */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** The clock used for timestamps and deadlines. */
  public Clock clock() {
    return clock;
  }

  /** The largest number of tasks sent in one message. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** The largest encoded task accepted locally. */
  public int maxTaskBytes() {
    return maxTaskBytes;
  }

  /** The bearer token sent on every call, if set. */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /** The file whose first line is the bearer token, if set (read at connect). */
  public Optional<Path> tokenFile() {
    return Optional.ofNullable(tokenFile);
  }

  /** Whether the channels use TLS. */
  public boolean tls() {
    return tls;
  }

  /** The CA bundle (PEM) that signs the coordinators' certificates; empty trusts the JVM's CAs. */
  public Optional<Path> tlsCaFile() {
    return Optional.ofNullable(tlsCaFile);
  }

  /** The client certificate chain (PEM) for mutual TLS, if set. */
  public Optional<Path> tlsCertFile() {
    return Optional.ofNullable(tlsCertFile);
  }

  /** The client certificate's private key (PEM, PKCS#8), if set. */
  public Optional<Path> tlsKeyFile() {
    return Optional.ofNullable(tlsKeyFile);
  }

  @Override
  public String toString() {
    // Never the token itself.
    return "ClientOptions{targets="
        + targets
        + ", token="
        + (token != null ? "****" : tokenFile != null ? "file " + tokenFile : "none")
        + ", tls="
        + tls
        + "}";
  }

  /** Builds {@link ClientOptions}. Not thread-safe. */
  public static final class Builder {
    private List<String> targets = List.of();
    private int inFlightLimit = DEFAULT_IN_FLIGHT_LIMIT;
    private Duration defaultTimeout = DEFAULT_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private int maxTaskBytes = DEFAULT_MAX_TASK_BYTES;
    private @Nullable String token;
    private @Nullable Path tokenFile;
    private boolean tls;
    private @Nullable Path tlsCaFile;
    private @Nullable Path tlsCertFile;
    private @Nullable Path tlsKeyFile;
    private int callbackThreads = DEFAULT_CALLBACK_THREADS;
    private @Nullable Executor callbackExecutor;

    private Builder() {}

    /**
     * The bearer token to send on every call (null: none). Without a token or token file, a client
     * of a loopback coordinator uses the token its local cluster wrote, if any.
     */
    public Builder token(@Nullable String token) {
      this.token = token;
      return this;
    }

    /** A file whose first line is the bearer token (null: none). */
    public Builder tokenFile(@Nullable Path tokenFile) {
      this.tokenFile = tokenFile;
      return this;
    }

    /** Use TLS (implied by a CA file or a client certificate). */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** The CA bundle (PEM) that signs the coordinators' certificates (null: the JVM's CAs). */
    public Builder tlsCaFile(@Nullable Path tlsCaFile) {
      this.tlsCaFile = tlsCaFile;
      return this;
    }

    /** A client certificate chain and its private key (PEM) for mutual TLS (nulls: none). */
    public Builder tlsClientCertificate(@Nullable Path certFile, @Nullable Path keyFile) {
      this.tlsCertFile = certFile;
      this.tlsKeyFile = keyFile;
      return this;
    }

    /** How many callback threads the client starts when no callback executor is given. */
    public Builder callbackThreads(int callbackThreads) {
      this.callbackThreads = callbackThreads;
      return this;
    }

    /** Where futures complete and callbacks run (null: the client's own threads). */
    public Builder callbackExecutor(@Nullable Executor callbackExecutor) {
      this.callbackExecutor = callbackExecutor;
      return this;
    }

    /** The coordinators as {@code host:port}. */
    public Builder targets(List<String> targets) {
      this.targets = List.copyOf(requireNonNull(targets, "targets"));
      return this;
    }

    /** One coordinator as {@code host:port}. */
    public Builder target(String target) {
      return targets(List.of(requireNonNull(target, "target")));
    }

    /** The most tasks submitted and not yet ended. */
    public Builder inFlightLimit(int inFlightLimit) {
      this.inFlightLimit = inFlightLimit;
      return this;
    }

    /** The deadline of unary calls. */
    public Builder defaultTimeout(Duration defaultTimeout) {
      this.defaultTimeout = requireNonNull(defaultTimeout, "defaultTimeout");
      return this;
    }

    /** The clock used for timestamps and deadlines. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** The largest number of tasks sent in one message. */
    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    /** The largest encoded task accepted locally. */
    public Builder maxTaskBytes(int maxTaskBytes) {
      this.maxTaskBytes = maxTaskBytes;
      return this;
    }

    /** Validates and builds. */
    public ClientOptions build() {
      for (String target : targets) {
        if (target.isBlank()) {
          throw new IllegalArgumentException("targets: " + targets + " (expected: host:port)");
        }
      }
      if (inFlightLimit < 1) {
        throw new IllegalArgumentException("inFlightLimit: " + inFlightLimit + " (expected: > 0)");
      }
      if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
        throw new IllegalArgumentException(
            "defaultTimeout: " + defaultTimeout + " (expected: > 0)");
      }
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: > 0)");
      }
      if (maxTaskBytes < 1) {
        throw new IllegalArgumentException("maxTaskBytes: " + maxTaskBytes + " (expected: > 0)");
      }
      if ((tlsCertFile == null) != (tlsKeyFile == null)) {
        throw new IllegalArgumentException(
            "tlsClientCertificate: cert "
                + tlsCertFile
                + ", key "
                + tlsKeyFile
                + " (expected: both files or neither)");
      }
      if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
        throw new IllegalArgumentException(
            "token: empty or has spaces or non-ASCII characters (expected: a printable token)");
      }
      if (token != null && tokenFile != null) {
        throw new IllegalArgumentException("token and tokenFile: give one, not both");
      }
      if (callbackThreads < 1) {
        throw new IllegalArgumentException(
            "callbackThreads: " + callbackThreads + " (expected: > 0)");
      }
      return new ClientOptions(this);
    }
  }
}

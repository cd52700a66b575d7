package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * When and how often the coordinator tries a failed attempt again. Build with {@link
 * #newBuilder()}; validated on {@link Builder#build()}.
 *
 * @param maxAttempts attempts in all, the first included ({@code >= 1})
 * @param initialBackoff the wait before the second attempt
 * @param maxBackoff the upper bound on the wait between attempts
 * @param multiplier the factor applied to the wait after each attempt ({@code >= 1})
 * @param jitter the fraction (0..1) of random spread added to each wait
 * @param nonRetryableErrorTypes error types ({@link TaskFailedException#errorType()}) never retried
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    List<String> nonRetryableErrorTypes) {

  /** Default attempts in all. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Default wait before the second attempt. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

  /** Default upper bound on the wait. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  /** Default wait multiplier. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** Default jitter fraction. */
  public static final double DEFAULT_JITTER = 0.2;

  /** Validates and copies. */
  public RetryPolicy {
    requireNonNull(initialBackoff, "initialBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    nonRetryableErrorTypes =
        List.copyOf(requireNonNull(nonRetryableErrorTypes, "nonRetryableErrorTypes"));
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
    }
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException("initialBackoff: " + initialBackoff + " (expected: >= 0)");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff: " + maxBackoff + " (expected: >= initialBackoff " + initialBackoff + ")");
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter: " + jitter + " (expected: 0..1)");
    }
  }

  /** A builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A policy that never retries. */
  public static RetryPolicy noRetries() {
    return newBuilder().maxAttempts(1).build();
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private double jitter = DEFAULT_JITTER;
    private List<String> nonRetryableErrorTypes = List.of();

    private Builder() {}

    /** Attempts in all, the first included. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The wait before the second attempt. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = requireNonNull(initialBackoff, "initialBackoff");
      return this;
    }

    /** The upper bound on the wait. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    /** The factor applied to the wait after each attempt. */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /** The fraction (0..1) of random spread added to each wait. */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /** Error types that are never retried. */
    public Builder nonRetryableErrorTypes(List<String> types) {
      this.nonRetryableErrorTypes = List.copyOf(requireNonNull(types, "types"));
      return this;
    }

    /** Validates and builds. */
    public RetryPolicy build() {
      return new RetryPolicy(
          maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, nonRetryableErrorTypes);
    }
  }
}

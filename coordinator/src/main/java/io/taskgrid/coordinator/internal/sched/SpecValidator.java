package io.taskgrid.coordinator.internal.sched;

import io.grpc.Status;
import io.taskgrid.proto.v1.RetryPolicy;
import io.taskgrid.proto.v1.TaskSpec;
import org.jspecify.annotations.Nullable;

/** Checks one spec against the contract and the limits. Stateless and thread-safe. */
final class SpecValidator {
  static final int MAX_ID_LENGTH = WireIds.MAX_ID_LENGTH;
  static final int MAX_LABELS = WireIds.MAX_LABELS;
  static final int MAX_LABEL_CHARS = WireIds.MAX_LABEL_CHARS;
  static final int MAX_ATTEMPTS_LIMIT = 100;

  /**
   * The longest retry backoff a spec may ask for: one day. A longer wait is almost surely a mistake
   * (or a probe for overflows); a task waiting that long is better resubmitted later.
   */
  static final long MAX_BACKOFF_LIMIT_MS = 86_400_000L;

  private final int maxPayloadBytes;

  /** A rejection: the gRPC code and a message saying why. */
  record Problem(Status.Code code, String message) {}

  SpecValidator(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  @Nullable Problem check(TaskSpec spec) {
    String idProblem = idProblem(spec.getId());
    if (idProblem != null) {
      return invalid(idProblem);
    }
    String typeProblem = WireIds.problem("task type", spec.getType());
    if (typeProblem != null) {
      return invalid(typeProblem);
    }
    String jobProblem = WireIds.optionalProblem("job id", spec.getJobId());
    if (jobProblem != null) {
      return invalid(jobProblem);
    }
    int size = spec.getPayload().getData().size();
    if (size > maxPayloadBytes) {
      return new Problem(
          Status.Code.RESOURCE_EXHAUSTED,
          "payload of task '"
              + spec.getId()
              + "' is "
              + size
              + " bytes, more than the limit of "
              + maxPayloadBytes
              + " bytes");
    }
    if (spec.getPayload().getContentType().length() > MAX_LABEL_CHARS) {
      return invalid("payload content_type is longer than " + MAX_LABEL_CHARS + " characters");
    }
    if (spec.getPoolValue() < 0 || spec.getPoolValue() > 2) {
      return invalid("unknown pool value " + spec.getPoolValue());
    }
    if (spec.getTimeoutMs() < 0) {
      return invalid("timeout_ms must not be negative, was " + spec.getTimeoutMs());
    }
    if (spec.getDeadlineUnixMs() < 0) {
      return invalid("deadline_unix_ms must not be negative");
    }
    int attempts = spec.getRetry().getMaxAttempts();
    if (attempts < 0 || attempts > MAX_ATTEMPTS_LIMIT) {
      return invalid("retry.max_attempts must be 0.." + MAX_ATTEMPTS_LIMIT + ", was " + attempts);
    }
    String retryProblem = retryProblem(spec.getRetry());
    if (retryProblem != null) {
      return invalid(retryProblem);
    }
    String labelsProblem = WireIds.labelsProblem("task", spec.getLabelsMap());
    if (labelsProblem != null) {
      return invalid(labelsProblem);
    }
    return null;
  }

  /** Why the backoff settings of a retry policy are unusable, or null if they are fine. */
  private static @Nullable String retryProblem(RetryPolicy r) {
    if (r.getInitialBackoffMs() < 0) {
      return "retry.initial_backoff_ms must not be negative, was " + r.getInitialBackoffMs();
    }
    if (r.getMaxBackoffMs() < 0) {
      return "retry.max_backoff_ms must not be negative, was " + r.getMaxBackoffMs();
    }
    if (r.getInitialBackoffMs() > MAX_BACKOFF_LIMIT_MS) {
      return "retry.initial_backoff_ms must be at most "
          + MAX_BACKOFF_LIMIT_MS
          + " (1 day), was "
          + r.getInitialBackoffMs();
    }
    if (r.getMaxBackoffMs() > MAX_BACKOFF_LIMIT_MS) {
      return "retry.max_backoff_ms must be at most "
          + MAX_BACKOFF_LIMIT_MS
          + " (1 day), was "
          + r.getMaxBackoffMs();
    }
    if (r.getMaxBackoffMs() > 0 && r.getMaxBackoffMs() < r.getInitialBackoffMs()) {
      return "retry.max_backoff_ms ("
          + r.getMaxBackoffMs()
          + ") must not be less than retry.initial_backoff_ms ("
          + r.getInitialBackoffMs()
          + ")";
    }
    double m = r.getBackoffMultiplier();
    if (!(m == 0 || m >= 1.0) || Double.isInfinite(m)) {
      return "retry.backoff_multiplier must be 0 (default 2) or >= 1, was " + m;
    }
    double j = r.getJitter();
    if (!(j >= 0 && j <= 1)) {
      return "retry.jitter must be 0..1, was " + j;
    }
    return null;
  }

  /** Why a task id is not {@code [A-Za-z0-9._:-]{1,128}}, or null if it is fine. */
  static @Nullable String idProblem(String id) {
    return WireIds.problem("task id", id);
  }

  private static Problem invalid(String message) {
    return new Problem(Status.Code.INVALID_ARGUMENT, message);
  }
}

package io.taskgrid.coordinator.internal.sched;

import io.grpc.Status;
import io.taskgrid.proto.v1.RetryPolicy;
import io.taskgrid.proto.v1.TaskSpec;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Checks one spec against the contract and the limits. Stateless and thread-safe. */
final class SpecValidator {
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_LABELS = 64;
  static final int MAX_LABEL_CHARS = 256;
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
    if (spec.getType().isEmpty()) {
      return invalid("task type is empty");
    }
    if (spec.getType().length() > MAX_ID_LENGTH) {
      return invalid("task type is longer than " + MAX_ID_LENGTH + " characters");
    }
    if (spec.getJobId().length() > MAX_ID_LENGTH) {
      return invalid("job id is longer than " + MAX_ID_LENGTH + " characters");
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
    if (spec.getLabelsCount() > MAX_LABELS) {
      return invalid("more than " + MAX_LABELS + " labels");
    }
    for (Map.Entry<String, String> e : spec.getLabelsMap().entrySet()) {
      if (e.getKey().length() > MAX_LABEL_CHARS || e.getValue().length() > MAX_LABEL_CHARS) {
        return invalid("label '" + abbreviate(e.getKey()) + "' is longer than " + MAX_LABEL_CHARS);
      }
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

  /** Why an id is not {@code [A-Za-z0-9._:-]{1,128}}, or null if it is fine. */
  static @Nullable String idProblem(String id) {
    if (id.isEmpty()) {
      return "task id is empty";
    }
    if (id.length() > MAX_ID_LENGTH) {
      return "task id is " + id.length() + " characters, longer than " + MAX_ID_LENGTH;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return "task id '"
            + abbreviate(id)
            + "' has a bad character at index "
            + i
            + " (allowed: A-Z a-z 0-9 . _ : -)";
      }
    }
    return null;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static Problem invalid(String message) {
    return new Problem(Status.Code.INVALID_ARGUMENT, message);
  }
}

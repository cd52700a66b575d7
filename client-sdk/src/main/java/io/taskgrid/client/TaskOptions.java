package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to run one task: its id, job, priority, limits, retry policy, labels and pool. Immutable;
 * build with {@link #newBuilder()}. Every field is optional.
 *
 * <p>The id is the task's idempotency key: submitting the same id with the same spec again (for
 * example after a reconnect, or from another client) returns the existing task and its outcome; the
 * same id with a different spec is rejected with {@code ALREADY_EXISTS}. The spec includes the
 * resolved deadline, so give an id that may be resubmitted an absolute {@link Builder#deadline}
 * rather than a {@link Builder#deadlineIn} (resolved anew at each submission). When no id is given,
 * each submission gets a fresh id {@code <prefix>-<n>-<check>}: 32 random hex digits drawn once per
 * client, the client's decimal count of the ids it generated, and 16 random hex digits per task
 * (unguessable, and consecutive tasks of one client can share a store record). Give an explicit id
 * only to a single submission: {@link TaskgridClient#map} with a fixed id would submit one task.
 */
public final class TaskOptions {
  private static final TaskOptions DEFAULT = newBuilder().build();

  private final @Nullable String id;
  private final @Nullable String jobId;
  private final int priority;
  private final @Nullable Duration timeout;
  private final @Nullable Instant deadline;
  private final @Nullable Duration deadlineIn;
  private final @Nullable RetryPolicy retry;
  private final Map<String, String> labels;
  private final @Nullable TaskPool pool;

  private TaskOptions(Builder b) {
    this.id = b.id;
    this.jobId = b.jobId;
    this.priority = b.priority;
    this.timeout = b.timeout;
    this.deadline = b.deadline;
    this.deadlineIn = b.deadlineIn;
    this.retry = b.retry;
    this.labels = Map.copyOf(b.labels);
    this.pool = b.pool;
  }

  /** A builder with nothing set. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The options with nothing set. */
  public static TaskOptions getDefaultInstance() {
    return DEFAULT;
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.jobId = jobId;
    b.priority = priority;
    b.timeout = timeout;
    b.deadline = deadline;
    b.deadlineIn = deadlineIn;
    b.retry = retry;
    b.labels = labels;
    b.pool = pool;
    return b;
  }

  /** The explicit task id, if one was given. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The job the task belongs to, if any. */
  public Optional<String> jobId() {
    return Optional.ofNullable(jobId);
  }

  /** Higher runs first; 0 by default. */
  public int priority() {
    return priority;
  }

  /** The run-time limit of one attempt, if any. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** The absolute end of the task's whole life, if any. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * The task's whole-life budget counted from submission, if any; resolved against the client's
   * {@link ClientOptions#clock()} when the task is submitted. Ignored when {@link #deadline()} is
   * set.
   */
  public Optional<Duration> deadlineIn() {
    return Optional.ofNullable(deadlineIn);
  }

  /** The retry policy, or empty for the coordinator's default. */
  public Optional<RetryPolicy> retry() {
    return Optional.ofNullable(retry);
  }

  /** Free-form labels (immutable). */
  public Map<String, String> labels() {
    return labels;
  }

  /** The pool override, if any (wins over {@link TaskType#pool()}). */
  public Optional<TaskPool> pool() {
    return Optional.ofNullable(pool);
  }

  /** Builds {@link TaskOptions}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String jobId;
    private int priority;
    private @Nullable Duration timeout;
    private @Nullable Instant deadline;
    private @Nullable Duration deadlineIn;
    private @Nullable RetryPolicy retry;
    private Map<String, String> labels = Map.of();
    private @Nullable TaskPool pool;

    private Builder() {}

    /**
     * The task id ({@code [A-Za-z0-9._:-]}, 1..128 characters; the coordinator rejects others with
     * {@code INVALID_ARGUMENT}).
     */
    public Builder id(String id) {
      this.id = requireNonNull(id, "id");
      return this;
    }

    /** The job the task belongs to. */
    public Builder jobId(String jobId) {
      this.jobId = requireNonNull(jobId, "jobId");
      return this;
    }

    /** Higher runs first. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** The run-time limit of one attempt (positive, millisecond precision). */
    public Builder timeout(Duration timeout) {
      this.timeout = requireNonNull(timeout, "timeout");
      return this;
    }

    /** The absolute end of the task's whole life. */
    public Builder deadline(Instant deadline) {
      this.deadline = requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole-life budget counted from submission (positive). */
    public Builder deadlineIn(Duration deadlineIn) {
      this.deadlineIn = requireNonNull(deadlineIn, "deadlineIn");
      return this;
    }

    /** The retry policy. */
    public Builder retry(RetryPolicy retry) {
      this.retry = requireNonNull(retry, "retry");
      return this;
    }

    /** Free-form labels. */
    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(requireNonNull(labels, "labels"));
      return this;
    }

    /** The pool to run in, overriding the task type's. */
    public Builder pool(TaskPool pool) {
      this.pool = requireNonNull(pool, "pool");
      return this;
    }

    /** Validates and builds. */
    public TaskOptions build() {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      if (deadlineIn != null && (deadlineIn.isNegative() || deadlineIn.isZero())) {
        throw new IllegalArgumentException("deadlineIn: " + deadlineIn + " (expected: > 0)");
      }
      return new TaskOptions(this);
    }
  }
}

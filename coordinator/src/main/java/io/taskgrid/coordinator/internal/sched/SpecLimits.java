package io.taskgrid.coordinator.internal.sched;

/** The fixed bounds of a task spec, as a client may read them (GetServerInfo). */
public final class SpecLimits {
  /** The most attempts a retry policy may ask for. */
  public static final int MAX_ATTEMPTS = SpecValidator.MAX_ATTEMPTS_LIMIT;

  /** Attempts when the spec names none. */
  public static final int DEFAULT_MAX_ATTEMPTS = LiveTask.DEFAULT_MAX_ATTEMPTS;

  /** The largest backoff a retry policy may ask for, in milliseconds. */
  public static final long MAX_BACKOFF_MS = SpecValidator.MAX_BACKOFF_LIMIT_MS;

  private SpecLimits() {}
}

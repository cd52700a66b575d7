package io.taskgrid.client;

import java.util.List;

/**
 * Every failure of a {@link TaskGroup}, as Python's {@code ExceptionGroup}. The first is also the
 * cause; all of them are suppressed exceptions too, so that stack traces show each.
 */
public class TaskGroupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // An immutable list of exceptions.
  private final List<Throwable> failures;

  /**
   * @param failures the failures, first one first (at least one)
   */
  public TaskGroupException(List<Throwable> failures) {
    super(
        failures.size() + " task(s) of the group failed; first: " + failures.get(0),
        failures.get(0));
    this.failures = List.copyOf(failures);
    failures.stream().skip(1).forEach(this::addSuppressed);
  }

  /** The failures, in the order they happened. */
  public List<Throwable> failures() {
    return failures;
  }
}

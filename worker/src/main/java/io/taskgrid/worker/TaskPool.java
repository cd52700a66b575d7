package io.taskgrid.worker;

/** The pool of a worker that runs a task type. */
public enum TaskPool {
  /**
   * The event-loop pool: thousands of non-blocking tasks in flight on a few threads (or on the
   * bounded blocking pool for handlers whose {@link TaskHandler#blocking()} is true).
   */
  IO,
  /** The process pool: one child JVM per slot, each running one task at a time. */
  CPU
}

package io.taskgrid.client;

/** Which of a worker's pools runs a task. */
public enum TaskPool {
  /** The event-loop pool: thousands of non-blocking tasks in flight per worker. */
  IO,
  /** The per-core process pool: one task at a time per child JVM. */
  CPU
}

package io.taskgrid.client;

/** Where a task is in its life. */
public enum TaskState {
  /** Stored and waiting for a worker. */
  QUEUED,
  /** Leased to a worker, which runs it. */
  RUNNING,
  /** Ended; see {@link TaskStatus#result()}. */
  DONE
}

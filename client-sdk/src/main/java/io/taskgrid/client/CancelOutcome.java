package io.taskgrid.client;

/** What a cancel achieved, as the coordinator reports it. */
public enum CancelOutcome {
  /** The task was queued and was removed: it never ran. */
  REMOVED_FROM_QUEUE,
  /** The task was running and was told to stop. */
  STOPPED_WHILE_RUNNING,
  /** The task had already ended; its outcome stands. */
  ALREADY_FINISHED,
  /** The coordinator knows no such task. */
  NOT_FOUND
}

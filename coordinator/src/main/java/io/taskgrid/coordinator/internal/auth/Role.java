package io.taskgrid.coordinator.internal.auth;

/** What a caller may do: see docs/SECURITY.md for the table of RPCs each role may call. */
public enum Role {
  /** TaskService on its own tenant's tasks. */
  CLIENT,
  /** WorkerService only. */
  WORKER,
  /** Everything, on every tenant. */
  ADMIN
}

package io.taskgrid.coordinator.internal.auth;

import org.jspecify.annotations.Nullable;

/**
 * Which worker ids a principal may connect as. A {@code worker} principal named {@code N} owns the
 * ids {@code N} and {@code N-anything}: the default worker id is {@code node-pid-random}, so a
 * worker token named after its host works without {@code --id}. The rule needs no shared state, so
 * it holds on every coordinator of a cluster at once (a worker connects to each of them). Admins
 * (and the unauthenticated caller of a cluster without authentication) may use any id; clients
 * none.
 */
public final class WorkerIds {
  private WorkerIds() {}

  /** Whether the worker name {@code name} owns {@code workerId}. */
  public static boolean owns(String name, String workerId) {
    return workerId.equals(name)
        || (workerId.length() > name.length() + 1
            && workerId.startsWith(name)
            && workerId.charAt(name.length()) == '-');
  }

  /** Why {@code principal} may not connect as {@code workerId}, or null if it may. */
  public static @Nullable String problem(Principal principal, String workerId) {
    return switch (principal.role()) {
      case ADMIN -> null;
      case CLIENT -> "a client credential cannot connect a worker";
      case WORKER ->
          owns(principal.name(), workerId)
              ? null
              : "worker credential '"
                  + principal.name()
                  + "' may connect only as worker id '"
                  + principal.name()
                  + "' or '"
                  + principal.name()
                  + "-...'";
    };
  }
}

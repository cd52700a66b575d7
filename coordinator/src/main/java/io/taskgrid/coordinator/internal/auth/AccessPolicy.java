package io.taskgrid.coordinator.internal.auth;

import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which role may call which RPC (the table is in docs/SECURITY.md). Tenant checks are not here: the
 * handlers apply them to the records they read, so another tenant's id is NOT_FOUND.
 */
public final class AccessPolicy {
  /** Services any caller may use, even an anonymous one: load balancers probe health. */
  static final Set<String> OPEN_SERVICES = Set.of("grpc.health.v1.Health");

  /** TaskService methods only an admin may call: they show every tenant. */
  static final Set<String> ADMIN_METHODS =
      Set.of(TaskServiceGrpc.getListWorkersMethod().getFullMethodName());

  private AccessPolicy() {}

  /** Whether {@code service} needs no authentication. */
  static boolean open(String service) {
    return OPEN_SERVICES.contains(service);
  }

  /** Why {@code principal} may not call {@code fullMethodName}, or null if it may. */
  static @Nullable String denied(Principal principal, String service, String fullMethodName) {
    Role role = principal.role();
    if (role == Role.ADMIN) {
      return null;
    }
    if (service.equals(TaskServiceGrpc.SERVICE_NAME)) {
      if (role != Role.CLIENT) {
        return "role " + name(role) + " may not call TaskService (expected: client or admin)";
      }
      if (ADMIN_METHODS.contains(fullMethodName)) {
        return fullMethodName + " needs the admin role (it shows every tenant)";
      }
      return null;
    }
    if (service.equals(WorkerServiceGrpc.SERVICE_NAME)) {
      return role == Role.WORKER
          ? null
          : "role " + name(role) + " may not call WorkerService (expected: worker or admin)";
    }
    // Reflection and anything else added to the server: admins only.
    return "role " + name(role) + " may not call " + service + " (expected: admin)";
  }

  private static String name(Role role) {
    return role.name().toLowerCase(java.util.Locale.ROOT);
  }
}

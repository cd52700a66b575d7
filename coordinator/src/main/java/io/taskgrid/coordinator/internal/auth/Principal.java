package io.taskgrid.coordinator.internal.auth;

import static java.util.Objects.requireNonNull;

/**
 * The authenticated caller of one RPC: who it is, what it may do, and whose tasks it sees.
 *
 * @param name the identity (a token's name, a certificate's subject); a worker's id is bound to it
 * @param role what the caller may do
 * @param tenant whose tasks the caller submits and sees; tasks of other tenants are NOT_FOUND
 */
public record Principal(String name, Role role, String tenant) {
  /** The tenant of callers on a cluster that runs without authentication. */
  public static final String DEFAULT_TENANT = "default";

  /**
   * The caller on a coordinator that authenticates nobody (tests, and a cluster whose operator
   * turned authentication off): it may do everything, in the default tenant.
   */
  public static final Principal UNAUTHENTICATED =
      new Principal("anonymous", Role.ADMIN, DEFAULT_TENANT);

  public Principal {
    requireNonNull(name, "name");
    requireNonNull(role, "role");
    requireNonNull(tenant, "tenant");
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}

package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

/**
 * What a coordinator says about itself ({@link TaskgridClient#serverInfo()}): its version, the wire
 * protocol and every limit a client can hit (docs/LIMITS.md says what happens past each).
 *
 * @param version the coordinator's version ("dev" when run from classes)
 * @param protocol the wire protocol's package, "taskgrid.v1"
 * @param tenant the caller's tenant ("default" without authentication)
 * @param limits the limits
 */
public record ServerInfo(String version, String protocol, String tenant, ServerLimits limits) {
  /** Canonical constructor; no component may be null. */
  public ServerInfo {
    requireNonNull(version, "version");
    requireNonNull(protocol, "protocol");
    requireNonNull(tenant, "tenant");
    requireNonNull(limits, "limits");
  }
}

package io.taskgrid.coordinator.internal.auth;

import io.grpc.Context;

/**
 * Where an RPC finds its caller. The authenticating server interceptor puts the {@link Principal}
 * in the call's {@link Context}; handlers read it with {@link #current()} when the call starts (a
 * streaming handler captures it once, in the method that creates it: later callbacks may run
 * outside the call's context).
 */
public final class Principals {
  /** The context key the server interceptor sets. */
  public static final Context.Key<Principal> KEY = Context.key("taskgrid-principal");

  private Principals() {}

  /** The caller of the current RPC, or {@link Principal#UNAUTHENTICATED} where none was set. */
  public static Principal current() {
    Principal p = KEY.get();
    return p == null ? Principal.UNAUTHENTICATED : p;
  }
}

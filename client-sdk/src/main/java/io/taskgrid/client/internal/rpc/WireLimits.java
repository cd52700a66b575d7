package io.taskgrid.client.internal.rpc;

/**
 * Message sizes the SDK (and the worker, which talks to the same coordinators) accepts and sends.
 * The coordinator's payload limit is at most 32 MiB, and a payload plus its envelope (id, type,
 * labels, error text: bounded by the coordinator) always fits under the inbound limit set here, so
 * a legal task or result never breaks the stream it travels on.
 */
public final class WireLimits {
  /** The largest message accepted from a coordinator (gRPC's default is 4 MiB). */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** Task ids per attach or cancel message: under every coordinator's id limit (at least 1,000). */
  public static final int MAX_IDS_PER_MESSAGE = 1_000;

  private WireLimits() {}
}

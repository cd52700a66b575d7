package io.taskgrid.coordinator.internal.sched;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live (queued or running) tasks of one client, a tenant or a Session stream, against a limit.
 * Taken at admission and given back exactly once, when the task leaves the live-task directory
 * (whatever ends it, and whether or not the client's stream is still open). Thread-safe, lock-free.
 */
public final class ClientQuota {
  private final String owner;
  private final long limit;
  private final AtomicLong live = new AtomicLong();

  /**
   * @param owner who the quota is for, as it appears in a refusal ("tenant 'acme'", "session")
   * @param limit the most live tasks at once
   */
  public ClientQuota(String owner, long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
    }
    this.owner = owner;
    this.limit = limit;
  }

  boolean tryAcquire() {
    while (true) {
      long n = live.get();
      if (n >= limit) {
        return false;
      }
      if (live.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    live.decrementAndGet();
  }

  /** Tasks counted now. */
  public long live() {
    return live.get();
  }

  String refusal() {
    return "queue full for "
        + owner
        + ": "
        + limit
        + " of its tasks are queued or running; submit again when some have ended";
  }
}

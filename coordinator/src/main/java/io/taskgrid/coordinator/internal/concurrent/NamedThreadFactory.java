package io.taskgrid.coordinator.internal.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names threads {@code taskgrid-coordinator-<role>-N}; daemon threads. Thread-safe. */
public final class NamedThreadFactory implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);
  private final boolean poolThreads;

  public NamedThreadFactory(String role) {
    this(role, false);
  }

  /**
   * @param poolThreads whether the threads are {@link PoolThread}s: they only run the coordinator's
   *     non-blocking hand-offs, so an idle serial executor's task may run on them directly
   */
  NamedThreadFactory(String role, boolean poolThreads) {
    this.prefix = "taskgrid-coordinator-" + role + "-";
    this.poolThreads = poolThreads;
  }

  @Override
  public Thread newThread(Runnable r) {
    String name = prefix + next.getAndIncrement();
    Thread t = poolThreads ? new PoolThread(r, name) : new Thread(r, name);
    // Daemon: a forgotten close() must not keep a JVM alive; close() still stops them in order.
    t.setDaemon(true);
    return t;
  }
}

package io.taskgrid.coordinator.internal.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names threads {@code taskgrid-coordinator-<role>-N}; daemon threads. Thread-safe. */
public final class NamedThreadFactory implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  public NamedThreadFactory(String role) {
    this.prefix = "taskgrid-coordinator-" + role + "-";
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + next.getAndIncrement());
    // Daemon: a forgotten close() must not keep a JVM alive; close() still stops them in order.
    t.setDaemon(true);
    return t;
  }
}

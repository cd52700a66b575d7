package io.taskgrid.client.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code <prefix>-N}, so that thread dumps say who owns each thread. */
public final class NamedThreadFactory implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
  public NamedThreadFactory(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + "-" + next.getAndIncrement());
    // Daemon: a client the user forgot to close must not keep the JVM alive.
    t.setDaemon(true);
    return t;
  }
}

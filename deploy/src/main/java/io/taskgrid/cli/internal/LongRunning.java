package io.taskgrid.cli.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a server command ({@code local}, {@code coordinator}, {@code worker}) alive until the JVM
 * is asked to stop (SIGINT/SIGTERM) and then closes its resources in order.
 */
final class LongRunning {
  private static final AtomicBoolean active = new AtomicBoolean();

  private LongRunning() {}

  static boolean isActive() {
    return active.get();
  }

  /**
   * Makes the process exit when its standard input reaches end of file, so that a parent (a test, a
   * supervisor) that dies takes this process with it.
   */
  static void exitWhenStdinCloses() {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // Discard: only the end of the stream matters.
                }
              } catch (java.io.IOException e) {
                // A broken stdin means the parent is gone too.
              }
              System.exit(0);
            },
            "taskgrid-stdin-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Blocks until the JVM shuts down, closing {@code resources} (in order) on the way out. */
  static void awaitShutdown(AutoCloseable... resources) throws InterruptedException {
    active.set(true);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Shutdown hooks write to stderr: logging may already be gone.
                  System.err.println("taskgrid: shutting down");
                  for (AutoCloseable resource : resources) {
                    try {
                      resource.close();
                    } catch (Exception e) {
                      System.err.println("taskgrid: error while closing: " + e);
                    }
                  }
                  closed.countDown();
                },
                "taskgrid-shutdown"));
    closed.await();
  }
}

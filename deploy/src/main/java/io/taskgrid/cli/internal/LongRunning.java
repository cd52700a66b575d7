package io.taskgrid.cli.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a server command ({@code local}, {@code coordinator}, {@code worker}) alive until the JVM
 * is asked to stop (SIGINT/SIGTERM) and then closes its resources in order.
 */
final class LongRunning {
  private static final AtomicBoolean active = new AtomicBoolean();

  /** Whether a resource failed to close; written by the shutdown hook only. */
  private static volatile boolean failed;

  private LongRunning() {}

  /**
   * Replaces the JVM's handler of {@code signal} with a normal exit: the shutdown hooks run as
   * before, but the exit status is 0. Where the signal cannot be handled (an unusual JVM), the
   * default stays.
   */
  @SuppressWarnings("removal") // sun.misc.Signal: the only way to handle a signal on JDK 17
  private static void exitZeroOnSignal(String signal) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> System.exit(0));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      System.err.println("taskgrid: SIG" + signal + " keeps its default exit status: " + e);
    }
  }

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

  /**
   * Blocks until the JVM shuts down, closing {@code resources} (in order) on the way out. SIGTERM
   * and SIGINT are a requested stop: once the resources are closed the process exits 0 (the JVM's
   * default for a signal is 128 + signal, 143 for SIGTERM, which supervisors read as a failure); it
   * exits 1 if a resource failed to close.
   */
  static void awaitShutdown(AutoCloseable... resources) throws InterruptedException {
    active.set(true);
    exitZeroOnSignal("TERM");
    exitZeroOnSignal("INT");
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
                      failed = true;
                    }
                  }
                  closed.countDown();
                  if (failed) {
                    Runtime.getRuntime().halt(1);
                  }
                },
                "taskgrid-shutdown"));
    closed.await();
  }
}

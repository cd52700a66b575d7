package io.taskgrid.coordinator.internal.concurrent;

/**
 * A thread of one of the coordinator's own fixed pools (store, scheduler, outbound; see {@link
 * Executors2#fixed}). Such a thread runs only non-blocking hand-offs and holds no lock between
 * tasks, so it may run an idle {@link SerialExecutor}'s task itself instead of handing it to
 * another thread ({@link SerialExecutor#executeHere}). gRPC event loops, Hazelcast's threads and
 * the timer are not pool threads: work posted from them always changes thread.
 */
final class PoolThread extends Thread {
  PoolThread(Runnable r, String name) {
    super(r, name);
  }

  /** Whether the calling thread is one of the coordinator's pool threads. */
  static boolean current() {
    return Thread.currentThread() instanceof PoolThread;
  }
}

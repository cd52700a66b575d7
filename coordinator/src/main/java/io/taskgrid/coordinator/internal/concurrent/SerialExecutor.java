package io.taskgrid.coordinator.internal.concurrent;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs submitted tasks one at a time, in submission order, on a shared delegate executor. State
 * touched only from tasks of one SerialExecutor needs no lock: each task happens-before the next
 * (the queue hand-off and the {@code running} flag publish it). Thread-safe.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final String name;
  private final Executor delegate;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile @org.jspecify.annotations.Nullable Thread current;

  public SerialExecutor(String name, Executor delegate) {
    this.name = name;
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    schedule();
  }

  /**
   * Like {@link #execute}, but when the caller is one of the coordinator's {@link PoolThread}s and
   * nothing of this executor runs or waits, the task (and whatever is posted to this executor while
   * it runs) runs on the calling thread at once, instead of waking another thread for it. The order
   * and the one-at-a-time guarantee are those of {@link #execute}: the task goes through the same
   * queue and the same {@code running} flag, so state confined to this executor stays confined. A
   * hand-off from a pool thread to an idle serial owner was one thread wake-up on the path of every
   * round trip (coordinator/CONCURRENCY.md, "Thread hand-offs per round trip"). Callers must hold
   * no lock: the task runs inside this call.
   */
  public void executeHere(Runnable task) {
    queue.add(task);
    if (!PoolThread.current()) {
      schedule();
    } else if (running.compareAndSet(false, true)) {
      drain();
    }
  }

  /** Whether the calling thread is running a task of this executor (for assertions). */
  public boolean inThisExecutor() {
    return current == Thread.currentThread();
  }

  private void schedule() {
    if (running.compareAndSet(false, true)) {
      delegate.execute(this::drain);
    }
  }

  private void drain() {
    // Cleared at the end without saving a previous value: a thread may run an idle executor's
    // tasks from inside a task of another one (executeHere), but never re-enters this one (the
    // running flag is held), so no outer drain of this executor is on the stack.
    current = Thread.currentThread();
    try {
      // Bounded turn so one busy serial queue cannot monopolise a shared delegate thread.
      for (int i = 0; i < 1024; i++) {
        Runnable task = queue.poll();
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("Task failed on serial executor {}", name, e);
        }
      }
    } finally {
      current = null;
      running.set(false);
    }
    if (!queue.isEmpty()) {
      schedule();
    }
  }

  @Override
  public String toString() {
    return "SerialExecutor{" + name + "}";
  }
}

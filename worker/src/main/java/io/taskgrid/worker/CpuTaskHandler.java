package io.taskgrid.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A handler for CPU-bound work: it runs in one of the worker's child processes, one task at a time
 * per process, on a thread of its own. A cancel interrupts that thread; a task that ignores the
 * interrupt is stopped by killing its process after a grace period.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public abstract class CpuTaskHandler<I, O> implements TaskHandler<I, O> {

  /** Subclasses need a public no-argument constructor to be found by the service loader. */
  protected CpuTaskHandler() {}

  /** Always {@link TaskPool#CPU}. */
  @Override
  public final TaskPool pool() {
    return TaskPool.CPU;
  }

  /**
   * Computes the output on the calling thread. Long loops should check {@link Thread#interrupted()}
   * or {@link TaskContext#isCancelled()} now and then.
   */
  protected abstract O compute(I input, TaskContext context) throws Exception;

  /**
   * Runs once in each CPU child process before the child reports ready for tasks: a place to run
   * the handler's hot code on small inputs, so that the JIT has compiled it before the first task
   * is timed (a child is a fresh JVM, and a task of a few milliseconds otherwise runs mostly
   * interpreted). Keep it to tens of milliseconds: the child takes no task until it returns. An
   * exception is logged on the child's stderr and otherwise ignored. By default it does nothing.
   */
  public void warmUp() throws Exception {}

  /** Calls {@link #compute} on the calling thread and returns its value as a completed stage. */
  @Override
  public final CompletionStage<O> run(I input, TaskContext context) throws Exception {
    return CompletableFuture.completedFuture(compute(input, context));
  }
}

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

  /** Calls {@link #compute} on the calling thread and returns its value as a completed stage. */
  @Override
  public final CompletionStage<O> run(I input, TaskContext context) throws Exception {
    return CompletableFuture.completedFuture(compute(input, context));
  }
}

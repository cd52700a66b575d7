package io.taskgrid.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A stage derived from task futures ({@code thenApply} and friends on a {@link TaskFuture}, or a
 * {@link Futures#gather}): a plain {@link CompletableFuture} that remembers the tasks it depends
 * on, so that {@link Futures#waitFor} can cancel them on timeout. Its own {@code cancel} cancels
 * only this stage (other stages may depend on the same task), except for a gather, which cancels
 * its inputs as {@code asyncio.gather} does.
 *
 * <p>For stages combining a task future with another future ({@code thenCombine}, ...), only the
 * task of the stage it was derived from is remembered.
 */
class DerivedFuture<T> extends CompletableFuture<T> {
  private final List<TaskFuture<?>> tasks;

  DerivedFuture(List<TaskFuture<?>> tasks) {
    this.tasks = List.copyOf(tasks);
  }

  /** The task futures this stage depends on. */
  final List<TaskFuture<?>> tasks() {
    return tasks;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new DerivedFuture<>(tasks);
  }

  @Override
  public String toString() {
    return "DerivedFuture[" + tasks.size() + " task(s), " + super.toString() + "]";
  }
}

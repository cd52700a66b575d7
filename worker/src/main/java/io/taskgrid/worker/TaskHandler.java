package io.taskgrid.worker;

import io.taskgrid.client.Codec;
import java.util.concurrent.CompletionStage;

/**
 * Runs one task type. The service-provider interface of the worker: implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.taskgrid.worker.TaskHandler}) on the
 * agent's class path and in the jars of the plugins folder, and need a public no-argument
 * constructor.
 *
 * <p>An {@link TaskPool#IO} handler's {@link #run} is called on an event-loop thread and must not
 * block it: return a stage that completes later (see {@link TaskContext#delay} and {@link
 * TaskContext#executor}), or declare {@link #blocking()}. A {@link TaskPool#CPU} handler runs in a
 * child process, one task at a time; extend {@link CpuTaskHandler} for those. Implementations must
 * be thread-safe: one instance runs many tasks at once.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface TaskHandler<I, O> {

  /** The task type this handler runs, for example {@code "echo"}; unique per worker. */
  String name();

  /** The pool the handler runs in. */
  TaskPool pool();

  /** Decodes the task's payload. */
  Codec<I> inputCodec();

  /** Encodes the handler's result. */
  Codec<O> outputCodec();

  /**
   * Runs one task. The stage's value is the task's output; an exceptional completion (or a thrown
   * exception) makes the task {@code FAILED} with the exception's class name and message.
   *
   * <p>If the task is cancelled or times out, the returned stage is cancelled ({@code
   * toCompletableFuture().cancel(true)}) and {@link TaskContext#isCancelled()} becomes true.
   */
  CompletionStage<O> run(I input, TaskContext context) throws Exception;

  /**
   * Whether {@link #run} blocks. A blocking I/O handler runs on the worker's bounded blocking pool
   * (threads named {@code taskgrid-worker-blocking-N}), never on an event loop.
   */
  default boolean blocking() {
    return false;
  }
}

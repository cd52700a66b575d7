package io.taskgrid.e2e.asyncio;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Handlers the asyncio examples need beyond the built-in ones (registered for the test JVM). */
final class ExampleHandlers {
  private ExampleHandlers() {}

  /** Shared plumbing: an I/O handler from Long to Long or String. */
  abstract static class LongIn<O> implements TaskHandler<Long, O> {
    @Override
    public TaskPool pool() {
      return TaskPool.IO;
    }

    @Override
    public Codec<Long> inputCodec() {
      return Codecs.longs();
    }
  }

  /**
   * {@code example.blocking} ({@code asyncio.to_thread}): blocks its thread for the given millis
   * with {@code Thread.sleep} (checking the cancel flag every 10 ms) and returns the thread's name.
   */
  public static final class Blocking extends LongIn<String> {
    @Override
    public String name() {
      return "example.blocking";
    }

    @Override
    public Codec<String> outputCodec() {
      return Codecs.string();
    }

    @Override
    public boolean blocking() {
      return true;
    }

    @Override
    public CompletionStage<String> run(Long millis, TaskContext context)
        throws InterruptedException {
      for (long slept = 0; slept < millis && !context.isCancelled(); slept += 10) {
        Thread.sleep(10); // the point of this handler: it blocks
      }
      return CompletableFuture.completedFuture(Thread.currentThread().getName());
    }
  }

  /** {@code example.progress}: reports half way, then waits the given millis on a timer. */
  public static final class HalfWay extends LongIn<Long> {
    @Override
    public String name() {
      return "example.progress";
    }

    @Override
    public Codec<Long> outputCodec() {
      return Codecs.longs();
    }

    @Override
    public CompletionStage<Long> run(Long millis, TaskContext context) {
      context.reportProgress(0.5, "half way");
      return context.delay(Duration.ofMillis(millis)).thenApply(v -> millis);
    }
  }

  /**
   * {@code example.flaky}: fails with {@link IllegalStateException} until attempt {@code n}, then
   * returns the attempt number.
   */
  public static final class Flaky extends LongIn<Long> {
    @Override
    public String name() {
      return "example.flaky";
    }

    @Override
    public Codec<Long> outputCodec() {
      return Codecs.longs();
    }

    @Override
    public CompletionStage<Long> run(Long succeedOnAttempt, TaskContext context) {
      if (context.attempt() < succeedOnAttempt) {
        throw new IllegalStateException("flaky: attempt " + context.attempt() + " fails");
      }
      return CompletableFuture.completedFuture((long) context.attempt());
    }
  }
}

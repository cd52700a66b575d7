package io.taskgrid.worker.internal.handlers;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** {@code sleep}: waits the given milliseconds on a timer (no thread held) and returns them. */
public final class SleepHandler implements TaskHandler<Long, Long> {
  @Override
  public String name() {
    return "sleep";
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
  }

  @Override
  public Codec<Long> inputCodec() {
    return Codecs.longs();
  }

  @Override
  public Codec<Long> outputCodec() {
    return Codecs.longs();
  }

  @Override
  public CompletionStage<Long> run(Long millis, TaskContext context) {
    if (millis < 0) {
      throw new IllegalArgumentException("sleep: " + millis + " ms (expected: >= 0)");
    }
    return context.delay(Duration.ofMillis(millis)).thenApply(ignored -> millis);
  }
}

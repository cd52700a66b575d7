package io.taskgrid.worker.internal.handlers;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code noop}: ignores its input and returns empty bytes. */
public final class NoopHandler implements TaskHandler<byte[], byte[]> {
  private static final byte[] EMPTY = new byte[0];

  @Override
  public String name() {
    return "noop";
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
  }

  @Override
  public Codec<byte[]> inputCodec() {
    return Codecs.bytes();
  }

  @Override
  public Codec<byte[]> outputCodec() {
    return Codecs.bytes();
  }

  @Override
  public CompletionStage<byte[]> run(byte[] input, TaskContext context) {
    return CompletableFuture.completedFuture(EMPTY);
  }
}

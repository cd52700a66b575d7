package io.taskgrid.worker.internal.handlers;

import io.taskgrid.client.Codec;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.internal.RawPayload;
import io.taskgrid.worker.internal.RawPayloadCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code echo}: returns its input bytes with their content type. */
public final class EchoHandler implements TaskHandler<RawPayload, RawPayload> {
  @Override
  public String name() {
    return "echo";
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
  }

  @Override
  public Codec<RawPayload> inputCodec() {
    return RawPayloadCodec.INSTANCE;
  }

  @Override
  public Codec<RawPayload> outputCodec() {
    return RawPayloadCodec.INSTANCE;
  }

  @Override
  public CompletionStage<RawPayload> run(RawPayload input, TaskContext context) {
    return CompletableFuture.completedFuture(input);
  }
}

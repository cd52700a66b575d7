package io.taskgrid.worker.internal.handlers;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.worker.CpuTaskHandler;
import io.taskgrid.worker.TaskContext;

/** {@code fail}: always throws {@code IllegalStateException(message)}; for tests. */
public final class FailHandler extends CpuTaskHandler<String, String> {
  @Override
  public String name() {
    return "fail";
  }

  @Override
  public Codec<String> inputCodec() {
    return Codecs.string();
  }

  @Override
  public Codec<String> outputCodec() {
    return Codecs.string();
  }

  @Override
  protected String compute(String message, TaskContext context) {
    throw new IllegalStateException(message);
  }
}

package io.taskgrid.worker;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;

/**
 * {@code test.throw-error}: a CPU test handler that throws an {@link OutOfMemoryError} of its own
 * (as a library does for "Direct buffer memory"), which no JVM flag turns into an exit.
 */
public final class ThrowErrorHandler extends CpuTaskHandler<String, String> {
  @Override
  public String name() {
    return "test.throw-error";
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
    throw new OutOfMemoryError(message);
  }
}

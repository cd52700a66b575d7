package io.taskgrid.worker;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;

/**
 * A CPU test handler that says whether its {@link #warmUp} ran in this process before the task:
 * "warmed" or "cold". The child calls every CPU handler's warm-up before it reports ready.
 */
public final class WarmedHandler extends CpuTaskHandler<String, String> {
  private static volatile boolean warmed;

  @Override
  public String name() {
    return "test.warmed";
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
  public void warmUp() {
    warmed = true;
  }

  @Override
  protected String compute(String input, TaskContext context) {
    return warmed ? "warmed" : "cold";
  }
}

package io.taskgrid.worker;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import java.util.ArrayList;
import java.util.List;

/** {@code test.allocate}: a CPU test handler that keeps allocating until its heap runs out. */
public final class AllocateHandler extends CpuTaskHandler<String, String> {
  @Override
  public String name() {
    return "test.allocate";
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
  protected String compute(String input, TaskContext context) {
    List<long[]> held = new ArrayList<>();
    while (!context.isCancelled()) {
      held.add(new long[1 << 20]); // 8 MiB at a time
    }
    return "cancelled holding " + held.size() + " blocks";
  }
}

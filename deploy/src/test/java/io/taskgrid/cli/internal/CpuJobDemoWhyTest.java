package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's line that explains the sized CPU job's speed-up from where the cores' time went. */
class CpuJobDemoWhyTest {
  private static CpuJobDemo.ClusterRun run(double children, double control, double wall) {
    CpuTimeline timeline =
        CpuTimeline.ofSpans(List.of(new long[] {0, 95}, new long[] {1, 96}), 0, 100);
    return new CpuJobDemo.ClusterRun(
        List.of(),
        Duration.ofMillis((long) wall),
        timeline,
        new CpuShares.Used(children, control, wall));
  }

  @Test
  void quietMachine_sharesAndThePerTaskTimes() {
    String line = CpuJobDemo.whyNot(run(1_800, 100, 1_000), 92, 2, 2);

    assertThat(line)
        .startsWith("Why not 2x: of the cores' time during the run, the children had 90%,")
        .contains("this JVM (coordinator, worker and client")
        .contains(" 5%, other processes or nothing 5%.")
        .contains("A task took ~95 ms on a child against ~92 ms on one thread")
        .doesNotContain("busy");
  }

  @Test
  void busyMachine_saysTheFigureNeedsAQuietOne() {
    String line = CpuJobDemo.whyNot(run(1_000, 100, 1_000), 92, 2, 2);

    assertThat(line)
        .contains("the children had 50%")
        .contains("other processes or nothing 45%.")
        .contains("Other processes were busy (load average ")
        .contains("the figure needs a quiet machine");
  }
}

package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a CPU job's wall time is split from its tasks' start and finish times. */
class CpuTimelineTest {
  @Test
  void twoChildren_gapsLeadAndTailFromTheTaskTimes() {
    // Two children: [10, 110) and [11, 111), then [112, 212) and [120, 220). Which child took
    // which second task cannot be told from the times; the waits add up the same either way.
    List<long[]> spans =
        List.of(
            new long[] {112, 212},
            new long[] {10, 110},
            new long[] {120, 220},
            new long[] {11, 111});

    CpuTimeline t = CpuTimeline.ofSpans(spans, 0, 225);

    assertThat(t.lanes()).isEqualTo(2);
    assertThat(t.lead()).isEqualTo(10);
    assertThat(t.tail()).isEqualTo(5);
    assertThat(t.meanRunMillis()).isEqualTo(100);
    assertThat(t.gapMillis()).isEqualTo(11);
    assertThat(t.maxGapMillis()).isEqualTo(10);
    assertThat(t.busy(2)).isEqualTo(400.0 / 450);
    assertThat(t.describe()).contains("each ran 100.0 ms", "2 children");
  }

  @Test
  void overlappingTasks_eachOnItsOwnLane() {
    List<long[]> spans = List.of(new long[] {0, 100}, new long[] {5, 50}, new long[] {6, 60});

    assertThat(CpuTimeline.ofSpans(spans, 0, 100).lanes()).isEqualTo(3);
  }
}

package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.TaskProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ProgressCoalescerTest {
  private final Map<String, List<TaskProgress>> sent = new ConcurrentHashMap<>();
  private final ProgressCoalescer<String> coalescer =
      new ProgressCoalescer<>(
          (route, updates) -> sent.computeIfAbsent(route, k -> new ArrayList<>()).addAll(updates));

  @Test
  void flush_manyReportsOfOneTask_onlyLatestSentOncePerRoute() {
    for (int i = 1; i <= 100; i++) {
      coalescer.report("conn-a", ProgressCoalescer.progress("t1", 1, i / 100.0, "step " + i));
    }
    coalescer.report("conn-b", ProgressCoalescer.progress("t2", 2, 0.5, "half"));

    coalescer.flush();
    coalescer.flush();

    assertThat(sent.get("conn-a")).extracting(TaskProgress::getMessage).containsExactly("step 100");
    assertThat(sent.get("conn-b")).extracting(TaskProgress::getAttempt).containsExactly(2);
  }

  @Test
  void forget_endedTask_itsPendingReportDropped() {
    coalescer.report("conn-a", ProgressCoalescer.progress("t1", 1, 0.5, "half"));

    coalescer.forget("t1");
    coalescer.flush();

    assertThat(sent).isEmpty();
  }

  @Test
  void progress_outOfRangeAndLongMessage_clampedAndBounded() {
    TaskProgress over = ProgressCoalescer.progress("t", 1, 7.0, "x".repeat(1000));
    TaskProgress under = ProgressCoalescer.progress("t", 1, -1.0, "");
    TaskProgress unknown = ProgressCoalescer.progress("t", 1, Double.NaN, "words");

    assertThat(over.getFraction()).isEqualTo(1.0);
    assertThat(over.getMessage()).hasSize(256);
    assertThat(under.getFraction()).isZero();
    assertThat(unknown.getFraction()).isNaN();
  }
}

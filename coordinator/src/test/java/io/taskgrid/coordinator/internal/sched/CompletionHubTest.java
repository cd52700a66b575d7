package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.sched.AcknowledgementGate.Verdict;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionHubTest {
  private final CompletionHub hub = new CompletionHub();
  private final Recorder a = new Recorder();
  private final Recorder b = new Recorder();
  private volatile Verdict verdict = Verdict.ACKNOWLEDGE;

  @Test
  void watchTwiceBySameSubscriber_resultDeliveredOnce() {
    hub.watchTask("t1", a);
    hub.watchTask("t1", a);

    hub.publishResults(List.of(result("t1", "")));

    assertThat(a.results).containsExactly("t1");
  }

  @Test
  void twoSubscribers_bothGetResultAndProgress_thenTheTaskIsForgotten() {
    hub.watchTask("t1", a);
    hub.watchTask("t1", b);

    hub.publishProgress(List.of(TaskProgress.newBuilder().setTaskId("t1").build()));
    hub.publishResults(List.of(result("t1", "")));
    hub.publishResults(List.of(result("t1", "")));

    assertThat(a.progress).containsExactly("t1");
    assertThat(b.progress).containsExactly("t1");
    assertThat(a.results).containsExactly("t1");
    assertThat(b.results).containsExactly("t1");
  }

  @Test
  void refused_resultNotDelivered_watchersKeptUntilItMayAgain() {
    boolean[] may = {false};
    hub.acknowledgeOnlyIf(() -> may[0] ? Verdict.ACKNOWLEDGE : Verdict.REFUSE);
    hub.watchTask("t1", a);

    hub.publishResults(List.of(result("t1", "")));
    assertThat(a.results).isEmpty();

    may[0] = true;
    hub.publishResults(List.of(result("t1", "")));
    assertThat(a.results).containsExactly("t1");
  }

  @Test
  void held_resultsDeliveredInOrderOnceTheGateAcknowledges() {
    holdResultOf("t1");
    holdResultOf("t2");
    hub.releaseHeld();
    assertThat(a.results).isEmpty();

    verdict = Verdict.ACKNOWLEDGE;
    hub.watchTask("t3", a);
    hub.publishResults(List.of(result("t3", "")));
    assertThat(a.results).containsExactly("t1", "t2", "t3");
  }

  @Test
  void held_releasedOnTheNextAskWithoutNewResults() {
    holdResultOf("t1");

    verdict = Verdict.ACKNOWLEDGE;
    hub.releaseHeld();

    assertThat(a.results).containsExactly("t1");
  }

  @Test
  void held_thenRefused_heldResultsDropped() {
    holdResultOf("t1");

    verdict = Verdict.REFUSE;
    hub.releaseHeld();
    verdict = Verdict.ACKNOWLEDGE;
    hub.releaseHeld();

    assertThat(a.results).isEmpty();
  }

  /** Puts the hub behind a gate that holds, and publishes a result {@code a} watches. */
  private void holdResultOf(String taskId) {
    verdict = Verdict.HOLD;
    hub.acknowledgeOnlyIf(() -> verdict);
    hub.watchTask(taskId, a);
    hub.publishResults(List.of(result(taskId, "")));
  }

  @Test
  void unwatchOne_theOtherStillGetsTheResult() {
    hub.watchTask("t1", a);
    hub.watchTask("t1", b);

    hub.unwatchTask("t1", a);
    hub.unwatchTask("t1", a);
    hub.publishResults(List.of(result("t1", "")));

    assertThat(a.results).isEmpty();
    assertThat(b.results).containsExactly("t1");
  }

  @Test
  void unwatchAll_nothingDelivered_watchAgainDelivers() {
    hub.watchTask("t1", a);
    hub.unwatchTask("t1", a);
    hub.publishResults(List.of(result("t1", "")));
    assertThat(a.results).isEmpty();

    hub.watchTask("t1", a);
    hub.publishResults(List.of(result("t1", "")));
    assertThat(a.results).containsExactly("t1");
  }

  @Test
  void taskAndJobWatchedBySameSubscriber_resultDeliveredOnce() {
    hub.watchTask("t1", a);
    hub.watchJob("j1", a);
    hub.watchJob("j1", b);

    hub.publishResults(List.of(result("t1", "j1")));

    assertThat(a.results).containsExactly("t1");
    assertThat(b.results).containsExactly("t1");
  }

  private static TaskResult result(String id, String jobId) {
    return TaskResult.newBuilder().setTaskId(id).setJobId(jobId).build();
  }

  private static final class Recorder implements CompletionSubscriber {
    final List<String> results = new ArrayList<>();
    final List<String> progress = new ArrayList<>();

    @Override
    public void onCompletions(List<TaskResult> list) {
      list.forEach(r -> results.add(r.getTaskId()));
    }

    @Override
    public void onProgress(List<TaskProgress> updates) {
      updates.forEach(p -> progress.add(p.getTaskId()));
    }
  }
}

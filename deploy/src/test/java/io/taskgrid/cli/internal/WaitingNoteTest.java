package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.TaskPool;
import io.taskgrid.client.WorkerInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code taskgrid status ID} adds for a queued task: whether any worker can take it. */
class WaitingNoteTest {
  private static WorkerInfo worker(String... handlers) {
    return new WorkerInfo(
        "w1",
        "node",
        Map.of(),
        List.of(new WorkerInfo.PoolInfo(TaskPool.IO, 10, 0, List.of(handlers))),
        Instant.EPOCH);
  }

  @Test
  void noWorkerOffersTheType_saysSo() {
    assertThat(WaitingNote.forQueued("wordcount", List.of(worker("echo"))))
        .contains(
            "no connected worker offers type 'wordcount'; the task runs when one that does"
                + " connects");
  }

  @Test
  void aWorkerOffersTheType_noNote() {
    assertThat(WaitingNote.forQueued("echo", List.of(worker("noop"), worker("echo")))).isEmpty();
  }

  @Test
  void noWorkerAtAll_saysSo() {
    assertThat(WaitingNote.forQueued("echo", List.of()))
        .contains("no worker is connected; the task runs when one offering its type does");
  }

  @Test
  void forJob_typesNoWorkerOffers_oneNotePerTypeWithItsCount() {
    assertThat(
            WaitingNote.forJob(
                Map.of("wordcount", 3L, "echo", 5L, "resize", 1L), List.of(worker("echo")), false))
        .containsExactly(
            "1 queued task(s) of type 'resize': no connected worker offers it; they run when one"
                + " that does connects",
            "3 queued task(s) of type 'wordcount': no connected worker offers it; they run when"
                + " one that does connects");
  }

  @Test
  void forJob_everyTypeOffered_noNote() {
    assertThat(WaitingNote.forJob(Map.of("echo", 5L), List.of(worker("echo")), false)).isEmpty();
  }

  @Test
  void forJob_noWorkerAtAll_oneNoteForAllQueued() {
    assertThat(WaitingNote.forJob(Map.of("echo", 5L, "noop", 2L), List.of(), false))
        .containsExactly(
            "7 queued task(s): no worker is connected; they run when one offering their type"
                + " connects");
  }

  @Test
  void forJob_onlySomeQueuedTasksCounted_countsAreAFloor() {
    assertThat(WaitingNote.forJob(Map.of("wordcount", 50_000L), List.of(worker("echo")), true))
        .singleElement()
        .asString()
        .startsWith("at least 50000 queued task(s) of type 'wordcount'");
  }
}

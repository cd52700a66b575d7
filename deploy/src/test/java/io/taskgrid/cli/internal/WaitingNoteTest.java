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
}

package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.CoordinatorStats;
import io.taskgrid.client.JobStatus;
import io.taskgrid.client.TaskPool;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.WorkerInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code status}, {@code workers} and {@code top} print names from the coordinator with newlines
 * and escape sequences shown, never obeyed (older coordinators, or ones without the wire check, may
 * still send them).
 */
class TerminalEscapingTest {
  private static final String CLEAR_SCREEN = "\u001b[2J\u001b[H";

  @Test
  void status_taskAndJobWithEscapeSequences_printedEscaped() {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);

    StatusCommand.printTask(
        out,
        new TaskStatus(
            "t1" + CLEAR_SCREEN,
            "echo\nINFO forged",
            "job" + CLEAR_SCREEN,
            TaskState.RUNNING,
            1,
            "w\r1",
            Optional.empty()));
    StatusCommand.printJob(out, new JobStatus("job" + CLEAR_SCREEN, 1, 0, 1, Map.of()));

    assertThat(text.toString())
        .doesNotContain("\u001b")
        .doesNotContain("\r")
        .contains("task       t1\\u001b[2J\\u001b[H")
        .contains("type       echo\\nINFO forged")
        .contains("worker     w\\r1")
        .contains("job        job\\u001b[2J\\u001b[H");
    // 6 task lines and 5 job lines: no name added a line of its own.
    assertThat(text.toString().lines()).hasSize(11);
  }

  @Test
  void workersAndTop_workerWithEscapeSequences_printedEscaped() {
    WorkerInfo evil =
        new WorkerInfo(
            "w1\n12:00 forged",
            "node" + CLEAR_SCREEN,
            Map.of(),
            List.of(new WorkerInfo.PoolInfo(TaskPool.IO, 10, 1, List.of("echo\u001b[31m"))),
            Instant.EPOCH);
    StringWriter workers = new StringWriter();

    WorkersCommand.print(new PrintWriter(workers, true), List.of(evil));
    String top =
        new TopView("127.0.0.1:7070", 1000)
            .render(new CoordinatorStats(Map.of(), 0, 0, 0), List.of(evil), 1);

    for (String shown : List.of(workers.toString(), top)) {
      assertThat(shown)
          .doesNotContain("\u001b")
          .contains("w1\\n12:00 forged")
          .contains("node\\u001b[2J\\u001b[H");
    }
    assertThat(workers.toString()).contains("echo\\u001b[31m");
  }
}

package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskResultInfo;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the CPU child running a task: a fresh child replaces it and the task still ends. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CpuChildKillIT {
  /** Long enough that, even on a loaded machine, the child burns {@link #BURNED} before it ends. */
  private static final long SPIN_MILLIS = 10_000L;

  private static final Duration BURNED = Duration.ofMillis(300);

  @TempDir Path workDir;

  @Test
  void killDashNineCpuChild_midTask_taskSucceedsOnRestartedChild() throws Exception {
    try (TaskgridProcess coordinator = TaskgridProcess.startCoordinator(workDir);
        TaskgridProcess worker =
            TaskgridProcess.start(
                "worker",
                workDir,
                "worker",
                "--coordinator",
                coordinator.target(),
                "--cpu-processes",
                "1");
        TaskgridClient client = TaskgridClient.connect(coordinator.target())) {
      {
        // GIVEN the worker's only CPU child started and idle (a warm-up task ran on it) ...
        assertThat(client.submit(TaskTypes.SUM_SQUARES, 10L).get(60, TimeUnit.SECONDS))
            .isEqualTo(BigInteger.valueOf(285));
        List<ProcessHandle> children = worker.children();
        assertThat(children).as("CPU children of the worker").hasSize(1);
        ProcessHandle child = children.get(0);
        // ... then running a spin task: leased by the coordinator, and burning CPU in that child
        // (an idle child burns next to none), so the kill below hits the task, not a start-up.
        TaskFuture<Long> spin = client.submit(TaskTypes.SPIN, SPIN_MILLIS);
        worker.await(
            Duration.ofSeconds(60),
            "the spin task running",
            () -> state(client, spin.taskId()) == TaskState.RUNNING);
        Duration cpuAtLease = cpu(child);
        worker.await(
            Duration.ofSeconds(60),
            "the spin task burning CPU in the child",
            () -> cpu(child).minus(cpuAtLease).compareTo(BURNED) >= 0);

        // WHEN the child is killed with SIGKILL in the middle of the task
        assertThat(child.destroyForcibly()).isTrue();

        // THEN a new child starts and the task succeeds there, on a later attempt
        assertThat(spin.get(90, TimeUnit.SECONDS)).isEqualTo(SPIN_MILLIS);
        TaskResultInfo done =
            client.getTask(spin.taskId()).flatMap(TaskStatus::result).orElseThrow();
        assertThat(done.attempt()).isGreaterThan(1);
        assertThat(worker.children())
            .extracting(ProcessHandle::pid)
            .doesNotContain(child.pid())
            .hasSize(1);
      }
    }
  }

  /** The CPU time a process has used so far (zero where the OS does not tell). */
  private static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** The task's state, or null while the coordinator does not know it yet. */
  private static @Nullable TaskState state(TaskgridClient client, String taskId) {
    return client.getTask(taskId).map(TaskStatus::state).orElse(null);
  }
}

package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the CPU child running a task: a fresh child replaces it and the task still ends. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CpuChildKillIT {
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
      ManagedChannel channel =
          ManagedChannelBuilder.forTarget(coordinator.target()).usePlaintext().build();
      try {
        TaskServiceGrpc.TaskServiceBlockingStub tasks = TaskServiceGrpc.newBlockingStub(channel);
        // GIVEN a spin task running on the worker's only CPU child
        TaskFuture<Long> spin = client.submit(TaskTypes.SPIN, 3_000L);
        worker.await(
            Duration.ofSeconds(60),
            "the spin task running",
            () -> info(tasks, spin.taskId()).getState() == TaskState.RUNNING);
        List<ProcessHandle> children = worker.children();
        assertThat(children).as("CPU children of the worker").hasSize(1);
        ProcessHandle child = children.get(0);

        // WHEN the child is killed with SIGKILL in the middle of the task
        assertThat(child.destroyForcibly()).isTrue();

        // THEN a new child starts and the task succeeds there, on a later attempt
        assertThat(spin.get(90, TimeUnit.SECONDS)).isEqualTo(3_000L);
        TaskInfo done = info(tasks, spin.taskId());
        assertThat(done.getResult().getAttempt()).isGreaterThan(1);
        assertThat(worker.children())
            .extracting(ProcessHandle::pid)
            .doesNotContain(child.pid())
            .hasSize(1);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static TaskInfo info(TaskServiceGrpc.TaskServiceBlockingStub tasks, String id) {
    return tasks
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getTask(GetTaskRequest.newBuilder().setTaskId(id).build())
        .getTask();
  }
}

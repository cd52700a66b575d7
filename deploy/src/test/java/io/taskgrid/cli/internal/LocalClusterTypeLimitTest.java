package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.CancelOutcome;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The limits {@code taskgrid local --type-limit} passes on reach the embedded coordinator. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalClusterTypeLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long FOREVER = 600_000L;

  @Test
  void start_sleepLimitedToOne_secondSleepWaitsQueuedUntilTheFirstEnds() throws Exception {
    try (LocalCluster cluster =
            LocalCluster.start(0, 1, CoordinatorOptions.METRICS_DISABLED, Map.of("sleep", 1));
        TaskgridClient client = TaskgridClient.connect(cluster.target())) {
      assertThat(cluster.describe()).contains("; type limits sleep=1");
      TaskFuture<Long> first = client.submit(TaskTypes.SLEEP, FOREVER);
      await().atMost(WAIT).until(() -> state(client, first) == TaskState.RUNNING);
      TaskFuture<Long> second = client.submit(TaskTypes.SLEEP, FOREVER);
      await().atMost(WAIT).until(() -> state(client, second) != null);

      // Submitted after the second sleep, an echo runs: the worker has room, the limit holds.
      assertThat(client.submit(TaskTypes.ECHO, "other types run")).succeedsWithin(WAIT);
      assertThat(state(client, second)).isEqualTo(TaskState.QUEUED);

      assertThat(first.cancelAsync(false).get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo(CancelOutcome.STOPPED_WHILE_RUNNING);
      await().atMost(WAIT).until(() -> state(client, second) == TaskState.RUNNING);
      // A running sleep would hold the worker's close up.
      assertThat(second.cancelAsync(true).get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo(CancelOutcome.STOPPED_WHILE_RUNNING);
    }
  }

  private static @Nullable TaskState state(TaskgridClient client, TaskFuture<?> task) {
    return client.getTask(task.taskId()).map(TaskStatus::state).orElse(null);
  }
}

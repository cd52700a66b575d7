package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.TaskFailedException;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real coordinator process and a real worker process (with CPU children) run mixed tasks. */
@Tag(E2eMachine.SHARES_THE_MACHINE)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MixedTasksIT {
  @TempDir Path workDir;

  private TaskgridProcess coordinator;
  private TaskgridProcess worker;

  @BeforeEach
  void startCluster() throws Exception {
    coordinator = TaskgridProcess.startCoordinator(workDir);
    worker =
        TaskgridProcess.start(
            "worker",
            workDir,
            "worker",
            "--coordinator",
            coordinator.target(),
            "--cpu-processes",
            "2");
  }

  @AfterEach
  void stopCluster() {
    if (worker != null) {
      worker.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  void thousandMixedTasks_realProcesses_everyOutcomeAndValueRight() {
    try (TaskgridClient client = TaskgridClient.connect(coordinator.target())) {
      List<TaskFuture<byte[]>> noops = new ArrayList<>();
      List<TaskFuture<String>> echoes = new ArrayList<>();
      List<TaskFuture<Long>> sleeps = new ArrayList<>();
      List<TaskFuture<BigInteger>> sums = new ArrayList<>();
      List<TaskFuture<String>> failures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        noops.add(client.submit(TaskTypes.NOOP, new byte[] {(byte) i}));
        echoes.add(client.submit(TaskTypes.ECHO, "echo-" + i));
        sleeps.add(client.submit(TaskTypes.SLEEP, (long) (i % 50)));
        sums.add(client.submit(TaskTypes.SUM_SQUARES, 1_000L + i));
        failures.add(client.submit(TaskTypes.FAIL, "boom-" + i));
      }

      for (int i = 0; i < 200; i++) {
        assertThat(noops.get(i).join()).isEmpty();
        assertThat(echoes.get(i).join()).isEqualTo("echo-" + i);
        assertThat(sleeps.get(i).join()).isEqualTo(i % 50);
        long n = 1_000L + i;
        assertThat(sums.get(i).join()).isEqualTo(closedForm(n));
        TaskFuture<String> failure = failures.get(i);
        String message = "boom-" + i;
        assertThat(failure)
            .failsWithin(Duration.ofSeconds(60))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOfSatisfying(
                TaskFailedException.class,
                e -> {
                  assertThat(e.errorType()).isEqualTo("java.lang.IllegalStateException");
                  assertThat(e.getMessage()).contains(message);
                });
      }
    } catch (CompletionException e) {
      throw new AssertionError(e.getCause() + "\n" + worker.logTail(), e);
    }
  }

  @Test
  void seedsSumOfSquares_realChildProcess_exactBeyondLongRange() {
    try (TaskgridClient client = TaskgridClient.connect(coordinator.target())) {
      assertThat(client.submit(TaskTypes.SUM_SQUARES, 10_000_000L).join())
          .isEqualTo(new BigInteger("333333283333335000000"));
    }
  }

  static BigInteger closedForm(long n) {
    BigInteger big = BigInteger.valueOf(n);
    return big.multiply(big.subtract(BigInteger.ONE))
        .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
        .divide(BigInteger.valueOf(6));
  }
}

package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.CoordinatorOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The coordinator's limit flags: defaults, TASKGRID_* variables, and one-line usage errors. */
class LimitFlagsTest {
  private final StringWriter err = new StringWriter();

  private CoordinatorOptions parse(Map<String, String> env, String... args) {
    CommandLine cli = TaskgridCli.newCommandLine(env);
    String[] all = new String[args.length + 1];
    all[0] = "coordinator";
    System.arraycopy(args, 0, all, 1, args.length);
    cli.parseArgs(all);
    CoordinatorCommand c = cli.getSubcommands().get("coordinator").getCommand();
    return c.limits.applyTo(CoordinatorOptions.newBuilder()).build();
  }

  private int run(String... args) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void nothingGiven_theLibraryDefaults() {
    CoordinatorOptions o = parse(Map.of());
    CoordinatorOptions d = CoordinatorOptions.getDefaultInstance();

    assertThat(o.maxPayloadBytes()).isEqualTo(d.maxPayloadBytes());
    assertThat(o.maxBatchSize()).isEqualTo(d.maxBatchSize());
    assertThat(o.maxMessageBytes()).isEqualTo(d.maxMessageBytes());
    assertThat(o.maxIdsPerRequest()).isEqualTo(d.maxIdsPerRequest());
    assertThat(o.maxQueuedTasks()).isEqualTo(d.maxQueuedTasks());
    assertThat(o.maxQueuedTasksPerTenant()).isEqualTo(d.maxQueuedTasksPerTenant());
    assertThat(o.maxQueuedTasksPerSession()).isEqualTo(d.maxQueuedTasksPerSession());
    assertThat(o.maxHeapUsedPercent()).isEqualTo(d.maxHeapUsedPercent());
    assertThat(o.notReadingTimeout()).isEqualTo(d.notReadingTimeout());
    assertThat(o.maxStreamQueueBytes()).isEqualTo(d.maxStreamQueueBytes());
    assertThat(o.maxHeldCancelsPerTenant()).isEqualTo(d.maxHeldCancelsPerTenant());
    assertThat(o.heldCancelTime()).isEqualTo(d.heldCancelTime());
  }

  @Test
  void heldCancelLimits_flagAndEnvironment() {
    CoordinatorOptions o =
        parse(Map.of("TASKGRID_HELD_CANCEL_MS", "2500"), "--max-held-cancels-per-tenant", "7");

    assertThat(o.maxHeldCancelsPerTenant()).isEqualTo(7);
    assertThat(o.heldCancelTime()).isEqualTo(Duration.ofMillis(2500));
    assertThat(o.heldCancelLimits().maxPerTenant()).isEqualTo(7);
    assertThat(o.heldCancelLimits().holdTime()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void flagsAndEnvironment_setEveryLimit() {
    CoordinatorOptions o =
        parse(
            Map.of(
                "TASKGRID_MAX_QUEUED_TASKS_PER_SESSION", "77",
                "TASKGRID_MAX_IDS_PER_REQUEST", "5000",
                "TASKGRID_NOT_READING_TIMEOUT_MS", "0"),
            "--max-payload-bytes",
            "1000",
            "--max-message-bytes",
            "2097152",
            "--max-queued-tasks",
            "10",
            "--max-queued-tasks-per-tenant",
            "9",
            "--max-heap-used-percent",
            "100",
            "--max-batch-size",
            "3");

    assertThat(o.maxQueuedTasksPerSession()).isEqualTo(77);
    assertThat(o.maxIdsPerRequest()).isEqualTo(5000);
    assertThat(o.notReadingTimeout()).isEqualTo(Duration.ZERO);
    assertThat(o.maxPayloadBytes()).isEqualTo(1000);
    assertThat(o.maxMessageBytes()).isEqualTo(2 * 1024 * 1024);
    assertThat(o.maxQueuedTasks()).isEqualTo(10);
    assertThat(o.maxQueuedTasksPerTenant()).isEqualTo(9);
    assertThat(o.maxHeapUsedPercent()).isEqualTo(100);
    assertThat(o.maxBatchSize()).isEqualTo(3);
  }

  @Test
  void outOfRange_oneLineUsageErrorNamingTheFlag_exitTwo() {
    assertThat(run("coordinator", "--max-ids-per-request", "10")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--max-ids-per-request: 10 (expected: 1000..1000000)")
        .doesNotContain("\tat ");
    assertThat(run("coordinator", "--max-payload-bytes", "67108864"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--max-payload-bytes: 67108864 (expected: 1..33554432)");
    assertThat(run("coordinator", "--held-cancel-ms", "-1")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--held-cancel-ms: -1 (expected: 0..3600000)");
    assertThat(run("coordinator", "--max-held-cancels-per-tenant", "-1"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--max-held-cancels-per-tenant: -1");
  }
}

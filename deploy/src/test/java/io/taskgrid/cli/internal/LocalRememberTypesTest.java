package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.Codecs;
import io.taskgrid.client.TaskType;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.proto.v1.Pool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code taskgrid local --remember-types-for-s} (and {@code TASKGRID_REMEMBER_TYPES_FOR_S}), as the
 * coordinator command has it, and that the local cluster's coordinator applies it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalRememberTypesTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli(Map<String, String> env) {
    CommandLine cli = TaskgridCli.newCommandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  @Test
  void parse_nothingGiven_oneHourAsTheCoordinator() {
    CommandLine cli = cli(Map.of());
    cli.parseArgs("local");

    LocalCommand c = cli.getSubcommands().get("local").getCommand();
    assertThat(c.rememberTypesForSeconds).isEqualTo(3600);
  }

  @Test
  void parse_flagAndEnvironment_used() {
    CommandLine cli = cli(Map.of("TASKGRID_REMEMBER_TYPES_FOR_S", "120"));
    cli.parseArgs("local");
    LocalCommand fromEnv = cli.getSubcommands().get("local").getCommand();
    assertThat(fromEnv.rememberTypesForSeconds).isEqualTo(120);

    CommandLine again = cli(Map.of("TASKGRID_REMEMBER_TYPES_FOR_S", "120"));
    again.parseArgs("local", "--remember-types-for-s", "0");
    LocalCommand fromFlag = again.getSubcommands().get("local").getCommand();
    assertThat(fromFlag.rememberTypesForSeconds).isZero();
  }

  @Test
  void execute_outOfRange_oneLineUsageErrorExitTwo() {
    assertThat(cli(Map.of()).execute("local", "--remember-types-for-s", "-1"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--remember-types-for-s: -1 (expected: 0..31622400)")
        .doesNotContain("\tat ");
  }

  @Test
  void help_mentionsTheFlag() {
    assertThat(cli(Map.of()).execute("local", "--help")).isZero();
    assertThat(out.toString()).contains("--remember-types-for-s");
  }

  @Test
  void zero_typeWhoseWorkerLeft_rejectedAtOnce() throws Exception {
    // An I/O-only local worker (no CPU child to start) that never offers "resize".
    LocalCluster.Settings settings =
        LocalCluster.Settings.of(0, 0).withRememberTypesFor(Duration.ZERO);
    try (LocalCluster cluster = LocalCluster.start(settings);
        TaskgridClient client = TaskgridClient.connect(cluster.target())) {
      try (AnnouncingWorker plugin =
          new AnnouncingWorker(cluster.target(), cluster.token(), "plugin", Pool.CPU, "resize")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> offered(client, "resize"));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !offered(client, "resize"));

      TaskType<String, String> resize = TaskType.of("resize", Codecs.string(), Codecs.string());
      assertThat(client.submit(resize, "x"))
          .failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withMessageContaining("longer than the coordinator remembers types");
    }
  }

  private static boolean offered(TaskgridClient client, String type) {
    return client.workers().stream()
        .anyMatch(w -> w.pools().stream().anyMatch(p -> p.handlers().contains(type)));
  }
}

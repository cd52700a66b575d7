package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --remember-types-for-s} (and {@code TASKGRID_REMEMBER_TYPES_FOR_S}) on the coordinator.
 */
class RememberTypesFlagTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli(Map<String, String> env) {
    CommandLine cli = TaskgridCli.newCommandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  @Test
  void parse_nothingGiven_oneHour() {
    CommandLine cli = cli(Map.of());
    cli.parseArgs("coordinator");

    CoordinatorCommand c = cli.getSubcommands().get("coordinator").getCommand();
    assertThat(c.rememberTypesForSeconds).isEqualTo(3600);
  }

  @Test
  void parse_environment_used() {
    CommandLine cli = cli(Map.of("TASKGRID_REMEMBER_TYPES_FOR_S", "120"));
    cli.parseArgs("coordinator");

    CoordinatorCommand c = cli.getSubcommands().get("coordinator").getCommand();
    assertThat(c.rememberTypesForSeconds).isEqualTo(120);
  }

  @Test
  void execute_negative_oneLineUsageErrorExitTwo() {
    assertThat(cli(Map.of()).execute("coordinator", "--remember-types-for-s", "-1"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--remember-types-for-s").doesNotContain("\tat ");
  }

  @Test
  void help_mentionsTheFlag() {
    assertThat(cli(Map.of()).execute("coordinator", "--help")).isZero();
    assertThat(out.toString()).contains("--remember-types-for-s");
  }
}

package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code --type-limit TYPE=N} parses and validates alike on {@code coordinator} and {@code local}.
 */
class TypeLimitFlagTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "local"})
  void execute_zeroLimit_oneLineUsageErrorExitTwo(String command) {
    assertThat(cli().execute(command, "--type-limit", "http.get=0"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--type-limit http.get: 0 (expected: >= 1)")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "local"})
  void execute_nonNumericLimit_oneLineUsageErrorExitTwo(String command) {
    assertThat(cli().execute(command, "--type-limit", "http.get=many"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--type-limit")
        .contains("many")
        .contains("taskgrid " + command + " --help")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "local"})
  void execute_noEqualsSign_oneLineUsageErrorExitTwo(String command) {
    assertThat(cli().execute(command, "--type-limit", "http.get"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--type-limit").doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "local"})
  void execute_emptyTypeName_oneLineUsageErrorExitTwo(String command) {
    assertThat(cli().execute(command, "--type-limit", "=3")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--type-limit: '=3' (expected: TYPE=N")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "local"})
  void help_mentionsTypeLimit(String command) {
    assertThat(cli().execute(command, "--help")).isZero();
    assertThat(out.toString()).contains("--type-limit=TYPE=N");
  }

  @Test
  void parse_localRepeatedFlag_everyLimitInOrder() {
    CommandLine cli = cli();
    cli.parseArgs("local", "--type-limit", "http.get=100", "--type-limit", "sleep=2");

    LocalCommand local = cli.getSubcommands().get("local").getCommand();
    assertThat(local.typeLimits).containsExactly(Map.entry("http.get", 100), Map.entry("sleep", 2));
  }
}

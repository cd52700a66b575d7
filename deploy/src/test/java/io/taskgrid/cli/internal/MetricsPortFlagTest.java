package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MetricsPortFlagTest {
  private final StringWriter err = new StringWriter();

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker", "local"})
  void execute_metricsPortOutOfRange_oneLineUsageErrorExitTwo(String command) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute(command, "--metrics-port", "-2");

    assertThat(exit).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--metrics-port: -2 (expected: 0..65535, or -1 for no metrics endpoint)")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker", "local"})
  void help_mentionsMetricsPortAndItsDefault(String command) {
    StringWriter out = new StringWriter();
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));

    assertThat(cli.execute(command, "--help")).isZero();
    assertThat(out.toString()).contains("--metrics-port").containsPattern("default: 940[01]");
  }
}

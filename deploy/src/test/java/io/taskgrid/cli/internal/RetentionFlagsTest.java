package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class RetentionFlagsTest {
  private final StringWriter err = new StringWriter();

  @ParameterizedTest
  @CsvSource({
    "--retained-max, 999, '--retained-max: 999 (expected: 1000..2147483647)'",
    "--retained-max-mb, -1, '--retained-max-mb: -1 (expected: 0..1073741824)'",
    "--result-ttl-s, 0, '--result-ttl-s: 0 (expected: >= 1)'",
    "--store-format, 5, '--store-format: 5 (expected: 1, 2, 3 or 4)'",
  })
  void execute_retentionFlagOutOfRange_oneLineUsageErrorExitTwo(
      String flag, String value, String message) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("coordinator", flag, value, "--port", "0", "--metrics-port", "-1");

    assertThat(exit).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ");
  }

  @ParameterizedTest
  @CsvSource({
    "--retained-max, 500000",
    "--retained-max-mb, 0",
    "--result-ttl-s, 3600",
    "--store-format, 3"
  })
  void help_mentionsRetentionFlagAndItsDefault(String flag, String defaultValue) {
    StringWriter out = new StringWriter();
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));

    assertThat(cli.execute("coordinator", "--help")).isZero();
    assertThat(out.toString()).contains(flag).containsPattern("default:\\s+" + defaultValue);
  }

  @org.junit.jupiter.api.Test
  void execute_budgetLargerThanTheHeap_refusedWithOneLineExitOne() {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    long heapMib = Runtime.getRuntime().maxMemory() >> 20;

    int exit =
        cli.execute(
            "coordinator",
            "--retained-max-mb",
            Long.toString(heapMib),
            "--port",
            "0",
            "--hz-port",
            "0",
            "--metrics-port",
            "-1");

    assertThat(exit).isEqualTo(TaskgridCli.EXIT_FAILURE);
    assertThat(err.toString())
        .contains("the retention budget")
        .contains("lower the budget or raise the heap")
        .doesNotContain("\tat ");
  }
}

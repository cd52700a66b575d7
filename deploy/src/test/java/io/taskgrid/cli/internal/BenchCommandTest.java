package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void execute_unknownWorkload_oneLineUsageErrorExitTwo() {
    assertThat(run("bench", "--workload", "nosuch")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--workload").doesNotContain("\tat ");
  }

  @Test
  void execute_zeroRuns_usageErrorExitTwo() {
    assertThat(run("bench", "--runs", "0")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--runs").doesNotContain("\tat ");
  }

  @Test
  void help_listsTheWorkloads() {
    assertThat(run("bench", "--help")).isZero();
    assertThat(out.toString())
        .contains("noop", "noop2", "rtt", "sleep", "cpu", "heap", "ascompleted", "soak")
        .contains("--soak-minutes", "--soak-rate", "--soak-retained-max");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "--soak-minutes, 0, '--soak-minutes: 0.0 (expected: > 0)'",
    "--soak-rate, -1, '--soak-rate: -1 (expected: >= 0)'",
    "--soak-sample-s, 0, '--soak-sample-s: 0 (expected: >= 1)'",
    "--soak-retained-max, 10, '--soak-retained-max: 10 (expected: 1000..2147483647)'",
    "--soak-heap, lots, '--soak-heap: lots (expected: like 512m or 2g)'",
  })
  void execute_badSoakFlag_oneLineUsageErrorExitTwo(String flag, String value, String message) {
    assertThat(run("bench", "-w", "soak", flag, value)).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ");
  }
}

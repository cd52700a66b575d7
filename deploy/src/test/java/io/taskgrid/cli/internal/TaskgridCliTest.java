package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TaskgridCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void execute_noCommand_oneLineUsageErrorExitTwo() {
    assertThat(run()).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).startsWith("taskgrid: missing command").doesNotContain("\tat ");
  }

  @Test
  void execute_unknownFlag_oneLineUsageErrorExitTwo() {
    assertThat(run("worker", "--no-such-flag")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("Unknown option: '--no-such-flag'")
        .contains("taskgrid worker --help")
        .doesNotContain("\tat ");
  }

  @Test
  void execute_badPortValue_usageErrorExitTwo() {
    assertThat(run("coordinator", "--port", "70000")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--port: 70000 (expected: 0..65535)");
  }

  @Test
  void execute_nonNumericPort_usageErrorExitTwo() {
    assertThat(run("local", "--port", "abc")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--port").doesNotContain("\tat ");
  }

  @Test
  void execute_demoWithBadCoordinatorAddress_usageErrorExitTwo() {
    assertThat(run("demo", "--coordinator", "nohostport")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--coordinator: 'nohostport' (expected: host:port)");
  }

  @Test
  void execute_zeroTypeLimit_usageErrorExitTwo() {
    assertThat(run("coordinator", "--type-limit", "http.get=0")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--type-limit http.get: 0 (expected: >= 1)");
  }

  @Test
  void execute_nonNumericTypeLimit_usageErrorExitTwo() {
    assertThat(run("coordinator", "--type-limit", "http.get=many"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--type-limit").doesNotContain("\tat ");
  }

  @Test
  void execute_badCpuPrefetch_usageErrorExitTwo() {
    assertThat(run("worker", "--cpu-prefetch", "-1")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--cpu-prefetch: -1 (expected: 0..1000)")
        .doesNotContain("\tat ");
  }

  @Test
  void execute_childJvmOptsTheJvmRejects_usageErrorExitTwoWithTheJvmsComplaint() {
    assertThat(run("worker", "--child-jvm-opts", "-Xmx1q")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--child-jvm-opts: '-Xmx1q' does not start a JVM: ")
        .contains("-Xmx1q")
        .doesNotContain("\tat ");
    assertThat(err.toString().strip().lines()).hasSize(1);
  }

  @Test
  void execute_childJvmOptsWithClassPathOrNonOption_usageErrorExitTwo() {
    assertThat(run("worker", "--child-jvm-opts", "-Xmx64m -cp /tmp"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--child-jvm-opts: '-cp' cannot be given to a CPU child")
        .doesNotContain("\tat ");
    assertThat(run("local", "--child-jvm-opts", "Xmx64m")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--child-jvm-opts: 'Xmx64m' is not a JVM option");
  }

  @Test
  void execute_childJvmOptsPrintingToStdout_usageErrorExitTwo() {
    assertThat(run("local", "--child-jvm-opts", "-verbose:gc")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("'-verbose:gc' would print to the child's stdout");
  }

  @Test
  void parse_validChildJvmOpts_splitOnSpaces() {
    assertThat(ChildJvmOptions.parse("  -Xmx64m   -Xlog:gc:stderr "))
        .containsExactly("-Xmx64m", "-Xlog:gc:stderr");
    assertThat(ChildJvmOptions.parse(" ")).isEmpty();
  }

  @Test
  void execute_help_listsEveryCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("local", "coordinator", "worker", "demo");
  }
}

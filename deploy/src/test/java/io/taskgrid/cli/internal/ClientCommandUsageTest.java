package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Usage errors and help of every command: one line, exit 2, never a stack trace; no cluster. */
class ClientCommandUsageTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "submit|Missing required parameter: 'TYPE'",
        "submit sleep|submit sleep: give --input (milliseconds)",
        "submit sleep --input soon|--input: 'soon' is not a whole number (sleep takes one)",
        "submit echo --count 0|--count: 0 (expected: >= 1)",
        "submit echo --count many|Invalid value for option '--count'",
        "submit echo --coordinator nohostport|--coordinator: 'nohostport' (expected: host:port)",
        "status|status: give a task ID or --job JOB (one of them)",
        "status t1 --job j1|status: give a task ID or --job JOB (one of them)",
        "cancel|cancel: give task IDs or --job JOB (one of them)",
        "cancel --job j1 t1|cancel: give task IDs or --job JOB (one of them)",
        "status --job j1 --tasks --state sleepy|--state: 'sleepy'",
        "status t1 --tasks|go with --job JOB",
        "coordinator --member host:abc|--member: 'host:abc' has no numeric port",
        "workers extra|Unmatched argument at index 1: 'extra'",
        "top --interval 1|--interval: 1 (expected: >= 50)",
        "top --iterations -1|--iterations: -1 (expected: >= 0)",
        "workers --timeout 0|--timeout: 0 (expected: >= 1)",
        "coordinator --kubernetes-service-dns svc --member 10.0.0.2|"
            + "--kubernetes-service-dns and --member are exclusive",
        "workers --config does-not-exist.properties|"
            + "--config: does-not-exist.properties does not exist",
      })
  void usageError_oneLineExitTwo(String args, String message) {
    int code = run(args.split(" "));

    assertThat(code).as("stderr: %s", err).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).startsWith("taskgrid: ").contains(message).doesNotContain("\tat ");
    assertThat(err.toString().lines().count()).as("stderr: %s", err).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "local",
        "coordinator",
        "worker",
        "demo",
        "submit",
        "status",
        "cancel",
        "workers",
        "top",
        "completion"
      })
  void help_everyCommand_usageOnStdoutExitZero(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: taskgrid " + command).contains("--help");
    assertThat(err.toString()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void completion_printsBashScriptCoveringTheCommandsAndFlags() {
    assertThat(run("completion")).isZero();
    assertThat(out.toString())
        .contains("complete -F _complete_taskgrid")
        .contains("submit", "status", "cancel", "workers", "top", "--coordinator", "--wait")
        .contains("sum_squares");
  }
}

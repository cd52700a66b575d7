package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The http.get egress, Hazelcast, metrics-host and reflection flags: parsing and usage errors. */
class SecuritySurfaceFlagsTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void worker_httpAllowHostName_usageErrorNamingTheFlagAndForms() {
    assertThat(run("worker", "--http-allow", "localhost:8080")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--http-allow: 'localhost:8080' (")
        .contains("expected: ADDRESS, ADDRESS:PORT, [IPv6]:PORT or CIDR")
        .doesNotContain("\tat ");
  }

  @Test
  void local_httpAllowBadCidr_usageError() {
    assertThat(run("local", "--http-allow", "10.0.0.0/40")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--http-allow: '10.0.0.0/40'");
  }

  @Test
  void worker_httpLimitsNotPositive_usageError() {
    assertThat(run("worker", "--http-max-body-bytes", "0")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--http-max-body-bytes: 0 (expected: >= 1)");
    assertThat(run("worker", "--http-timeout-ms", "0")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--http-timeout-ms: 0 (expected: >= 1)");
  }

  @Test
  void local_badHzPort_usageError() {
    assertThat(run("local", "--hz-port", "70000")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--hz-port: 70000 (expected: 0..65535)");
  }

  @Test
  void parse_flags_reachTheirFields() {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.parseArgs(
        "local",
        "--hz-host",
        "127.0.0.2",
        "--hz-port",
        "5801",
        "--http-allow",
        "127.0.0.1:8080,10.0.0.0/8");
    LocalCommand local = cli.getSubcommands().get("local").getCommand();
    assertThat(local.hzHost).isEqualTo("127.0.0.2");
    assertThat(local.hzPort).isEqualTo(5801);
    assertThat(local.httpAllow).containsExactly("127.0.0.1:8080", "10.0.0.0/8");

    cli = TaskgridCli.newCommandLine();
    cli.parseArgs("coordinator", "--metrics-host", "0.0.0.0", "--reflection");
    CoordinatorCommand coordinator = cli.getSubcommands().get("coordinator").getCommand();
    assertThat(coordinator.metricsHost).isEqualTo("0.0.0.0");
    assertThat(coordinator.reflection).isTrue();
  }

  @Test
  void defaults_metricsLoopbackReflectionOffNothingAllowed() {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.parseArgs("coordinator");
    CoordinatorCommand coordinator = cli.getSubcommands().get("coordinator").getCommand();
    assertThat(coordinator.metricsHost).isEqualTo("127.0.0.1");
    assertThat(coordinator.reflection).isFalse();

    cli = TaskgridCli.newCommandLine();
    cli.parseArgs("worker");
    WorkerCommand worker = cli.getSubcommands().get("worker").getCommand();
    assertThat(worker.metricsHost).isEqualTo("127.0.0.1");
    assertThat(worker.httpAllow).isEqualTo(List.of());
  }
}

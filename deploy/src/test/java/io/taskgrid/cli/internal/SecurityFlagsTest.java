package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.auth.TokenFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The security flags' usage errors (one line, exit 2) and {@code taskgrid token}. */
class SecurityFlagsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void coordinator_networkHostWithoutTlsAndTokens_refusesToStartExitTwo() {
    assertThat(run("coordinator", "--host", "0.0.0.0", "--port", "0", "--hz-port", "0"))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .startsWith("taskgrid: refusing to serve 0.0.0.0 without TLS and authentication")
        .contains("--insecure-allow-plaintext-on-network")
        .doesNotContain("\tat ");
    assertThat(err.toString().strip().lines()).hasSize(1);
  }

  @Test
  void coordinator_badTokenFileLine_usageErrorNamingTheLine() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "# ok\nshort client acme\n");
    assertThat(run("coordinator", "--auth-tokens", tokens.toString()))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("--auth-tokens: " + tokens + " line 2: token is 5 characters (expected: >= 16)");
  }

  @Test
  void coordinator_tlsFlagsMisused_usageErrors() throws Exception {
    Path f = Files.writeString(dir.resolve("cert.pem"), "x");
    assertThat(run("coordinator", "--tls-cert", f.toString())).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
    assertThat(run("coordinator", "--tls-client-ca", f.toString()))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--tls-client-ca needs --tls-cert and --tls-key");
  }

  @Test
  void client_unreadableTokenFile_usageError() {
    assertThat(run("status", "some-task", "--token-file", dir.resolve("none").toString()))
        .isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("is not a readable file");
  }

  @Test
  void token_printsALineTheTokenFileAccepts() {
    assertThat(run("token", "--role", "worker", "--tenant", "acme", "--name", "node-1")).isZero();
    String line = out.toString().strip();
    assertThat(line).matches("[A-Za-z0-9_-]{43} worker acme node-1");
    assertThat(TokenFile.parse(List.of(line), "out").byToken(line.split(" ")[0]).name())
        .isEqualTo("node-1");

    assertThat(run("token", "--role", "root", "--name", "x")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("role 'root' is unknown");
  }
}

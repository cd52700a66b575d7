package io.taskgrid.coordinator.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  private static final String T1 = "0123456789abcdef-one";
  private static final String T2 = "0123456789abcdef-two";

  @Test
  void parse_tokensAndCertNames_commentsAndBlankLinesSkipped() {
    Credentials c =
        TokenFile.parse(
            List.of(
                "# issued 2026-12-03",
                "",
                T1 + "  client  acme  alice",
                "\t" + T2 + " worker acme",
                "cert:node-1 worker acme"),
            "f");

    assertThat(c.byToken(T1)).isEqualTo(new Principal("alice", Role.CLIENT, "acme"));
    assertThat(c.byToken(T2).role()).isEqualTo(Role.WORKER);
    assertThat(c.byToken(T2).name()).matches("token-[0-9a-f]{8}").doesNotContain(T2);
    assertThat(c.byCertificateName("node-1"))
        .isEqualTo(new Principal("node-1", Role.WORKER, "acme"));
    assertThat(c.byToken(T1 + "x")).isNull();
    assertThat(c.byToken("")).isNull();
    assertThat(c.size()).isEqualTo(3);
  }

  @Test
  void parse_badLines_errorNamesFileLineAndProblem() {
    assertError(List.of("# x", T1 + " client"), "f line 2: expected 'TOKEN ROLE TENANT [NAME]'");
    assertError(
        List.of(T1 + " root acme"),
        "f line 1: role 'root' is unknown (expected: client, worker or admin)");
    assertError(List.of("short client acme"), "f line 1: token is 5 characters (expected: >= 16)");
    assertError(List.of(T1 + " client ac\u001bme"), "f line 1: tenant 'ac?me' is not allowed");
    assertError(List.of(T1 + " client acme bad/name"), "f line 1: name 'bad/name' is not allowed");
    assertError(
        List.of(T1 + " client a", T1 + " admin b"), "f line 2: the same token is listed twice");
    assertError(List.of("cert:n1 worker a x"), "f line 1: a cert: line takes no NAME");
    assertError(
        List.of(T1 + " worker a w", T2 + " worker a w-1"),
        "worker name 'w' would own the worker ids of worker name 'w-1'");
  }

  @Test
  void read_missingFile_clearError(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> TokenFile.read(dir.resolve("nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the token file");
    Path f = dir.resolve("tokens");
    Files.writeString(f, T1 + " admin default\n");
    assertThat(TokenFile.read(f).byToken(T1).isAdmin()).isTrue();
  }

  @Test
  void workerIds_nameOrDashPrefixOnly() {
    Principal w = new Principal("node1", Role.WORKER, "t");
    assertThat(WorkerIds.problem(w, "node1")).isNull();
    assertThat(WorkerIds.problem(w, "node1-123-abc")).isNull();
    assertThat(WorkerIds.problem(w, "node1-")).isNotNull();
    assertThat(WorkerIds.problem(w, "node12")).isNotNull();
    assertThat(WorkerIds.problem(w, "node")).isNotNull();
    assertThat(WorkerIds.problem(new Principal("c", Role.CLIENT, "t"), "c")).isNotNull();
    assertThat(WorkerIds.problem(new Principal("a", Role.ADMIN, "t"), "anything")).isNull();
  }

  private static void assertError(List<String> lines, String message) {
    assertThatThrownBy(() -> TokenFile.parse(lines, "f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}

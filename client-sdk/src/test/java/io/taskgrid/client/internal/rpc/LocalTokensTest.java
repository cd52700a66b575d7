package io.taskgrid.client.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTokensTest {
  @TempDir Path dir;

  private Map<String, String> env() {
    return Map.of("TASKGRID_RUNTIME_DIR", dir.resolve("run").toString());
  }

  @Test
  void write_ownerOnlyFile_foundForLoopbackTargetsOfThatPortOnly() throws Exception {
    String token = LocalTokens.newToken();
    Path file = LocalTokens.write(env(), 7123, token);

    assertThat(file).isEqualTo(dir.resolve("run").resolve("local-7123.token"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(LocalTokens.find(env(), List.of("127.0.0.1:7123"))).contains(token);
    assertThat(LocalTokens.find(env(), List.of("localhost:7123", "[::1]:7123"))).contains(token);
    // Never for another machine, another port, or a mix.
    assertThat(LocalTokens.find(env(), List.of("10.0.0.1:7123"))).isEmpty();
    assertThat(LocalTokens.find(env(), List.of("coordinator.example:7123"))).isEmpty();
    assertThat(LocalTokens.find(env(), List.of("127.0.0.1:7124"))).isEmpty();
    assertThat(LocalTokens.find(env(), List.of("127.0.0.1:7123", "10.0.0.1:7123"))).isEmpty();
  }

  @Test
  void newToken_randomUrlSafe43Chars() {
    String a = LocalTokens.newToken();
    assertThat(a).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(LocalTokens.newToken());
  }

  @Test
  void directory_runtimeDirThenXdgThenHome() {
    assertThat(LocalTokens.directory(Map.of("XDG_RUNTIME_DIR", "/run/user/1")))
        .isEqualTo(Path.of("/run/user/1", "taskgrid"));
    assertThat(LocalTokens.directory(Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".taskgrid", "run"));
  }

  @Test
  void readToken_emptyOrMissing_clearError() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> ChannelSecurity.readToken(empty)).hasMessageContaining("is empty");
    assertThatThrownBy(() -> ChannelSecurity.readToken(dir.resolve("missing")))
        .hasMessageContaining("cannot read the token file");
    assertThat(ChannelSecurity.readToken(Files.writeString(dir.resolve("t"), " abc \nrest")))
        .isEqualTo("abc");
  }
}

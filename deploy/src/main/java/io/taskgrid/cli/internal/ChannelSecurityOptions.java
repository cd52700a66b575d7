package io.taskgrid.cli.internal;

import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.internal.rpc.ChannelSecurity;
import io.taskgrid.client.internal.rpc.LocalTokens;
import io.taskgrid.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How a client or worker command reaches the coordinator: {@code --token-file}, {@code --tls},
 * {@code --tls-ca}, {@code --tls-cert}, {@code --tls-key} (and their {@code TASKGRID_*} variables).
 * Without a token file, a loopback coordinator's local-cluster token is used if there is one
 * (docs/SECURITY.md).
 */
final class ChannelSecurityOptions {
  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File whose first line is the bearer token (default: the token of a local cluster on"
              + " the coordinator's port, if the coordinator is on loopback).")
  @Nullable Path tokenFile;

  @Option(
      names = "--tls",
      description = "Use TLS, trusting the JVM's CAs (implied by --tls-ca or --tls-cert).")
  boolean tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "PEM",
      description = "CA bundle that signs the coordinator's certificate.")
  @Nullable Path tlsCa;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Client certificate chain for mutual TLS (with --tls-key).")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "Private key (PKCS#8 PEM) of --tls-cert.")
  @Nullable Path tlsKey;

  /** Checks the files; a problem is a usage error (exit 2). */
  private void check() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    for (Path p : new Path[] {tokenFile, tlsCa, tlsCert, tlsKey}) {
      if (p != null && !Files.isReadable(p)) {
        throw new UsageException(p + " is not a readable file");
      }
    }
  }

  private @Nullable String token() {
    if (tokenFile == null) {
      return null;
    }
    try {
      return ChannelSecurity.readToken(tokenFile);
    } catch (RuntimeException e) {
      throw new UsageException("--token-file: " + e.getMessage());
    }
  }

  /** The channel settings for {@code targets}, with the local token as the fallback. */
  ChannelSecurity security(List<String> targets) {
    check();
    String token = token();
    if (token == null) {
      token = LocalTokens.find(System.getenv(), targets).orElse(null);
    }
    return new ChannelSecurity(
        tls || tlsCa != null || tlsCert != null, tlsCa, tlsCert, tlsKey, token);
  }

  ClientOptions.Builder apply(ClientOptions.Builder b, List<String> targets) {
    ChannelSecurity s = security(targets);
    return b.token(s.token())
        .tls(s.tls())
        .tlsCaFile(s.caFile())
        .tlsClientCertificate(s.certFile(), s.keyFile());
  }

  WorkerOptions.Builder apply(WorkerOptions.Builder b, List<String> targets) {
    ChannelSecurity s = security(targets);
    return b.token(s.token())
        .tls(s.tls())
        .tlsCaFile(s.caFile())
        .tlsClientCertificate(s.certFile(), s.keyFile());
  }
}

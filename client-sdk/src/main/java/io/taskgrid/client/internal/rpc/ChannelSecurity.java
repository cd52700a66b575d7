package io.taskgrid.client.internal.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * How a client, worker or CLI channel reaches a coordinator: plaintext or TLS (grpc-java's own
 * {@link TlsChannelCredentials}, optionally with a client certificate for mutual TLS), plus a
 * bearer token sent as {@link CallCredentials} on every call.
 *
 * @param tls whether to use TLS; true when any of the files is given
 * @param caFile the CA bundle that signs the coordinator's certificate; null trusts the JVM's CAs
 * @param certFile a client certificate chain (PEM) for mutual TLS, or null
 * @param keyFile the client certificate's private key (PEM, PKCS#8), or null
 * @param token the bearer token, or null to send none
 */
public record ChannelSecurity(
    boolean tls,
    @Nullable Path caFile,
    @Nullable Path certFile,
    @Nullable Path keyFile,
    @Nullable String token) {
  /** Plaintext, no token: a coordinator on loopback without authentication. */
  public static final ChannelSecurity PLAINTEXT =
      new ChannelSecurity(false, null, null, null, null);

  /** The header the coordinator reads. */
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  public ChannelSecurity {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "a client certificate needs both files: cert " + certFile + ", key " + keyFile);
    }
    if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
      throw new IllegalArgumentException(
          "the token is empty or has spaces or non-ASCII characters");
    }
  }

  /** The same settings with {@code token}. */
  public ChannelSecurity withToken(@Nullable String token) {
    return new ChannelSecurity(tls, caFile, certFile, keyFile, token);
  }

  /** The channel credentials for these settings; a file that cannot be read is a clear error. */
  public ChannelCredentials channelCredentials() {
    ChannelCredentials channel;
    if (!tls) {
      channel = InsecureChannelCredentials.create();
    } else {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      try {
        if (caFile != null) {
          b.trustManager(readable("CA", caFile).toFile());
        }
        if (certFile != null && keyFile != null) {
          b.keyManager(
              readable("client certificate", certFile).toFile(),
              readable("client key", keyFile).toFile());
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot load the TLS files: " + e.getMessage(), e);
      }
      channel = b.build();
    }
    return token == null
        ? channel
        : CompositeChannelCredentials.create(channel, new BearerToken(token));
  }

  private static Path readable(String what, Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("the TLS " + what + " file " + file + " is not readable");
    }
    return file;
  }

  /** The first line of a token file, trimmed; a clear error if missing or empty. */
  public static String readToken(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + file + ": " + e, e);
    }
    String token = lines.isEmpty() ? "" : lines.get(0).strip();
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the token file " + file + " is empty");
    }
    return token;
  }

  /** Sends {@code authorization: Bearer TOKEN} on every call. */
  private static final class BearerToken extends CallCredentials {
    private final Metadata headers = new Metadata();

    BearerToken(String token) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }

    @Override
    public void applyRequestMetadata(
        RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
      try {
        Metadata copy = new Metadata();
        copy.merge(headers);
        applier.apply(copy);
      } catch (RuntimeException e) {
        applier.fail(
            Status.UNAUTHENTICATED.withDescription("cannot attach the token").withCause(e));
      }
    }

    @Override
    public String toString() {
      return "BearerToken[****]";
    }
  }
}

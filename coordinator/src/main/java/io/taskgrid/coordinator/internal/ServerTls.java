package io.taskgrid.coordinator.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The coordinator's TLS settings: its certificate chain and private key (PEM files), and for mutual
 * TLS the CA bundle that client and worker certificates must chain to.
 *
 * @param certChainFile the server's certificate chain, PEM
 * @param privateKeyFile the server's private key, PEM (PKCS#8)
 * @param clientCaFile CAs of client certificates; null accepts no client certificate
 * @param requireClientCertificate refuse a TLS handshake without a client certificate (only with
 *     {@code clientCaFile}); otherwise a certificate is optional and callers may use a token
 */
public record ServerTls(
    Path certChainFile,
    Path privateKeyFile,
    @Nullable Path clientCaFile,
    boolean requireClientCertificate) {
  public ServerTls {
    requireNonNull(certChainFile, "certChainFile");
    requireNonNull(privateKeyFile, "privateKeyFile");
    if (requireClientCertificate && clientCaFile == null) {
      throw new IllegalArgumentException(
          "tls: requireClientCertificate needs a client CA file (--tls-client-ca)");
    }
  }

  /** Throws {@link IllegalArgumentException} naming the first file that cannot be read. */
  void checkReadable() {
    checkFile("tls certificate", certChainFile);
    checkFile("tls private key", privateKeyFile);
    if (clientCaFile != null) {
      checkFile("tls client CA", clientCaFile);
    }
  }

  private static void checkFile(String what, Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " file " + file + " is not readable");
    }
  }
}

package io.taskgrid.e2e;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made at test time (no private key is ever committed): it
 * issues a server certificate for 127.0.0.1/localhost and client certificates by CN, written as PEM
 * files (certificates, PKCS#8 keys) the way an operator would give them to taskgrid.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate caCert;
  private final Path caFile;

  private TestPki(Path dir, KeyPair caKeys, X509Certificate caCert, Path caFile) {
    this.dir = dir;
    this.caKeys = caKeys;
    this.caCert = caCert;
    this.caFile = caFile;
  }

  /** A new CA named {@code name}, its certificate written to {@code dir/NAME-ca.pem}. */
  static TestPki create(Path dir, String name) throws IOException, GeneralSecurityException {
    KeyPair keys = newKeys();
    X500Name subject = new X500Name("CN=" + name + " test CA");
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject, serial(), notBefore(), notAfter(), subject, keys.getPublic());
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (org.bouncycastle.cert.CertIOException e) {
      throw new IOException(e);
    }
    X509Certificate cert = sign(b, keys);
    Path caFile = dir.resolve(name + "-ca.pem");
    writeCert(caFile, cert);
    return new TestPki(dir, keys, cert, caFile);
  }

  /** The CA bundle file. */
  Path caFile() {
    return caFile;
  }

  /** A server certificate for 127.0.0.1 and localhost: {cert file, key file}. */
  Path[] server(String name) throws IOException, GeneralSecurityException {
    return issue(
        name,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            }));
  }

  /** A client certificate whose subject CN is {@code cn}: {cert file, key file}. */
  Path[] client(String cn) throws IOException, GeneralSecurityException {
    return issue(cn, null);
  }

  private Path[] issue(String cn, GeneralNames sans) throws IOException, GeneralSecurityException {
    KeyPair keys = newKeys();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            caCert, serial(), notBefore(), notAfter(), new X500Name("CN=" + cn), keys.getPublic());
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
    } catch (org.bouncycastle.cert.CertIOException e) {
      throw new IOException(e);
    }
    X509Certificate cert = sign(b, caKeys);
    Path certFile = dir.resolve(cn + ".pem");
    Path keyFile = dir.resolve(cn + ".key");
    writeCert(certFile, cert);
    Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), US_ASCII);
    return new Path[] {certFile, keyFile};
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void writeCert(Path file, X509Certificate cert)
      throws IOException, GeneralSecurityException {
    Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()), US_ASCII);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }
}

package io.taskgrid.coordinator.internal.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who may call a coordinator: bearer tokens and client-certificate names, each mapped to a {@link
 * Principal}. Tokens are kept only as SHA-256 hashes, so the table in memory (or a heap dump) does
 * not hold a usable credential; a lookup hashes the presented token and finds its hash, so the time
 * it takes does not depend on how much of a token was right. Immutable and thread-safe. Build one
 * with {@link TokenFile#parse} or {@link #builder()}.
 */
public final class Credentials {
  private final Map<HashKey, Principal> byTokenHash;
  private final Map<String, Principal> byCertificateName;

  private Credentials(Map<HashKey, Principal> byTokenHash, Map<String, Principal> byCertName) {
    this.byTokenHash = Map.copyOf(byTokenHash);
    this.byCertificateName = Map.copyOf(byCertName);
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The principal a bearer token stands for, or null for an unknown token. */
  public @Nullable Principal byToken(String token) {
    return byTokenHash.get(new HashKey(sha256(token)));
  }

  /** The principal of a client certificate whose subject CN is {@code name}, or null. */
  public @Nullable Principal byCertificateName(String name) {
    return byCertificateName.get(name);
  }

  /** Whether any client certificate name is listed. */
  public boolean hasCertificateNames() {
    return !byCertificateName.isEmpty();
  }

  /** How many credentials (tokens and certificate names) are listed. */
  public int size() {
    return byTokenHash.size() + byCertificateName.size();
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A hash as a map key, compared in constant time. */
  private static final class HashKey {
    private final byte[] hash;
    private final int hashCode;

    HashKey(byte[] hash) {
      this.hash = hash;
      // The first bytes of a SHA-256 are uniformly spread: a good bucket index, and knowing
      // them tells nothing about the token.
      this.hashCode =
          (hash[0] & 0xff) << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8 | hash[3] & 0xff;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof HashKey k && MessageDigest.isEqual(hash, k.hash);
    }

    @Override
    public int hashCode() {
      return hashCode;
    }
  }

  /** Collects credentials; rejects a token or certificate name listed twice. Not thread-safe. */
  public static final class Builder {
    private final Map<HashKey, Principal> tokens = new HashMap<>();
    private final Map<String, Principal> certs = new HashMap<>();

    private Builder() {}

    /** Adds a bearer token; throws {@link IllegalArgumentException} if it is listed already. */
    public Builder token(String token, Principal principal) {
      if (tokens.putIfAbsent(new HashKey(sha256(token)), principal) != null) {
        throw new IllegalArgumentException("the same token is listed twice");
      }
      return this;
    }

    /** Adds a client certificate (subject CN) name; throws if it is listed already. */
    public Builder certificateName(String name, Principal principal) {
      if (certs.putIfAbsent(name, principal) != null) {
        throw new IllegalArgumentException("certificate name '" + name + "' is listed twice");
      }
      return this;
    }

    public Credentials build() {
      return new Credentials(tokens, certs);
    }
  }
}

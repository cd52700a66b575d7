package io.taskgrid.coordinator.internal.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the coordinator's credentials file ({@code --auth-tokens}). One credential per line:
 *
 * <pre>
 * # comment
 * TOKEN ROLE TENANT [NAME]        a bearer token (at least 16 characters, no spaces)
 * cert:CN ROLE TENANT             a client certificate whose subject CN is CN (needs mTLS)
 * </pre>
 *
 * ROLE is {@code client}, {@code worker} or {@code admin}. NAME identifies the caller in logs and
 * binds worker ids: a {@code worker} principal named {@code N} may connect only as worker id {@code
 * N} or {@code N-anything}. Without NAME a token is named {@code token-} plus the first 8 hex
 * digits of its SHA-256 (never the token itself). Every error names the line.
 */
public final class TokenFile {
  /** The shortest token accepted: 16 characters of a random token are ~96 bits. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Tenants and names: safe in logs, metrics and terminals. */
  static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  static final String CERT_PREFIX = "cert:";

  private TokenFile() {}

  /** Reads and parses {@code file}; throws {@link IllegalArgumentException} naming the problem. */
  public static Credentials read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + ": " + e, e);
    }
    return parse(lines, file.toString());
  }

  /** Parses the lines of a token file called {@code source} (for messages). */
  public static Credentials parse(List<String> lines, String source) {
    Credentials.Builder b = Credentials.builder();
    List<String> workerNames = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      String[] f = line.split("\\s+");
      if (f.length < 3 || f.length > 4) {
        throw new IllegalArgumentException(
            where
                + "expected 'TOKEN ROLE TENANT [NAME]' or 'cert:CN ROLE TENANT', found "
                + f.length
                + " field(s)");
      }
      Role role = role(f[1], where);
      String tenant = f[2];
      if (!SAFE_NAME.matcher(tenant).matches()) {
        throw new IllegalArgumentException(where + "tenant " + quoteSafe(tenant) + " " + RULE);
      }
      try {
        if (f[0].startsWith(CERT_PREFIX)) {
          if (f.length == 4) {
            throw new IllegalArgumentException(
                where + "a cert: line takes no NAME (the certificate's CN is the name)");
          }
          String cn = f[0].substring(CERT_PREFIX.length());
          if (!SAFE_NAME.matcher(cn).matches()) {
            throw new IllegalArgumentException(
                where + "certificate name " + quoteSafe(cn) + " " + RULE);
          }
          b.certificateName(cn, new Principal(cn, role, tenant));
          if (role == Role.WORKER) {
            workerNames.add(cn);
          }
        } else {
          String token = f[0];
          if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(
                where
                    + "token is "
                    + token.length()
                    + " characters (expected: >= "
                    + MIN_TOKEN_LENGTH
                    + ")");
          }
          String name =
              f.length == 4
                  ? f[3]
                  : "token-" + HexFormat.of().formatHex(Credentials.sha256(token)).substring(0, 8);
          if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + "name " + quoteSafe(name) + " " + RULE);
          }
          b.token(token, new Principal(name, role, tenant));
          if (role == Role.WORKER) {
            workerNames.add(name);
          }
        }
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith(source)) {
          throw e;
        }
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
    }
    checkWorkerNamesDisjoint(workerNames, source);
    return b.build();
  }

  private static final String RULE =
      "is not allowed (expected: 1-64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit)";

  private static Role role(String s, String where) {
    try {
      return Role.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + "role " + quoteSafe(s) + " is unknown (expected: client, worker or admin)", e);
    }
  }

  /**
   * Worker names own the ids {@code N} and {@code N-*}: if one name were another's prefix up to a
   * dash ({@code a} and {@code a-b}), the first could claim the second's worker ids.
   */
  private static void checkWorkerNamesDisjoint(List<String> names, String source) {
    for (String a : names) {
      for (String b : names) {
        if (a != b && WorkerIds.owns(a, b)) {
          throw new IllegalArgumentException(
              source
                  + ": worker name '"
                  + a
                  + "' would own the worker ids of worker name '"
                  + b
                  + "' (worker names must not be a dash-prefix of each other)");
        }
      }
    }
  }

  /** A value from the file, shortened and stripped of control characters for a message. */
  private static String quoteSafe(String s) {
    String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}

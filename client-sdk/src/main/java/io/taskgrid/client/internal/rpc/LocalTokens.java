package io.taskgrid.client.internal.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin token of a local cluster ({@code taskgrid local}, {@code demo}), the way Jupyter shares
 * its token: the cluster writes a random token to a file only its user can read, and clients on the
 * same machine that were given no token read it. The file is per port ({@code local-7070.token}) in
 * {@code $TASKGRID_RUNTIME_DIR}, else {@code $XDG_RUNTIME_DIR/taskgrid}, else {@code
 * ~/.taskgrid/run}. A token is only ever looked up for a loopback target, so it is never sent to
 * another machine.
 */
public final class LocalTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalTokens() {}

  /** A new random token: 32 bytes, URL-safe base64 (43 characters). */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The directory of local tokens for this environment. */
  public static Path directory(Map<String, String> env) {
    String own = env.get("TASKGRID_RUNTIME_DIR");
    if (own != null && !own.isBlank()) {
      return Paths.get(own);
    }
    String xdg = env.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      return Paths.get(xdg, "taskgrid");
    }
    return Paths.get(System.getProperty("user.home"), ".taskgrid", "run");
  }

  /** The token file of the local cluster on {@code port}. */
  public static Path file(Map<String, String> env, int port) {
    return directory(env).resolve("local-" + port + ".token");
  }

  /**
   * Writes {@code token} for the local cluster on {@code port}, readable only by this user (0600,
   * in a 0700 directory, written to a temporary file first and moved into place).
   */
  public static Path write(Map<String, String> env, int port, String token) throws IOException {
    Path dir = directory(env);
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (posix) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                "local-",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, "local-", ".tmp");
    Files.writeString(tmp, token + "\n", UTF_8);
    Path target = file(env, port);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /**
   * The token of a local cluster on the port of {@code targets}, when all of them are loopback
   * addresses of one port and its file exists.
   */
  public static Optional<String> find(Map<String, String> env, List<String> targets) {
    Integer port = null;
    for (String target : targets) {
      int colon = target.lastIndexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      String host = target.substring(0, colon).replace("[", "").replace("]", "");
      int p;
      try {
        p = Integer.parseInt(target.substring(colon + 1));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (!isLoopback(host) || (port != null && port != p)) {
        return Optional.empty();
      }
      port = p;
    }
    if (port == null) {
      return Optional.empty();
    }
    Path f = file(env, port);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ChannelSecurity.readToken(f));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    // Only literal addresses: a name would need a DNS lookup that could point anywhere.
    if (!host.isEmpty() && (Character.isDigit(host.charAt(0)) || host.contains(":"))) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}

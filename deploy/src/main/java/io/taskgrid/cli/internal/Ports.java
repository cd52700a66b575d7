package io.taskgrid.cli.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/** Checks port flags and publishes bound ports. */
final class Ports {
  private Ports() {}

  static void check(String flag, int port) {
    if (port < 0 || port > 65_535) {
      throw new UsageException(flag + ": " + port + " (expected: 0..65535)");
    }
  }

  /**
   * Fails with one line when {@code port} cannot be bound on {@code host} (taken, or no such
   * interface), before a server that would log a stack trace for it tries. 0 is always free.
   */
  static void checkFree(String flag, String host, int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      // Like the servers: another process's socket in TIME_WAIT does not block the port.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException(
          flag
              + " "
              + port
              + ": cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "); is another coordinator running? Pick another port with "
              + flag,
          e);
    }
  }

  /** Writes the port atomically so a reader never sees a half-written file. */
  static void writePortFile(@Nullable Path file, int port) throws IOException {
    if (file == null) {
      return;
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(port), StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}

package io.taskgrid.cli.internal;

import java.io.IOException;
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

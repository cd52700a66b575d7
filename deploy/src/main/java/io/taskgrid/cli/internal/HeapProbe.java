package io.taskgrid.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of another JVM: {@code jcmd PID GC.class_histogram} runs a full GC first and ends
 * with a {@code Total <instances> <bytes>} line, the bytes still reachable.
 */
final class HeapProbe {
  private HeapProbe() {}

  static long liveBytes(long pid) {
    String jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process p =
          new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " GC.class_histogram failed: " + out);
      }
      return parseTotal(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run jcmd: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The bytes column of the histogram's last line, {@code Total <instances> <bytes>}. */
  static long parseTotal(String histogram) {
    String[] lines = histogram.strip().split("\n", -1);
    for (int i = lines.length - 1; i >= 0; i--) {
      String[] cols = lines[i].trim().split("\\s+", -1);
      if (cols.length == 3 && cols[0].equals("Total")) {
        return Long.parseLong(cols[2]);
      }
    }
    throw new IllegalStateException("no Total line in the class histogram");
  }
}

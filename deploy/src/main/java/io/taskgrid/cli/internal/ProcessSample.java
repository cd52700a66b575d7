package io.taskgrid.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One look at a JVM process from outside: its live heap and old generation after a forced full GC
 * ({@code jcmd GC.class_histogram} collects first, then {@code GC.heap_info}), its threads and open
 * file descriptors and resident memory ({@code /proc}, Linux).
 *
 * @param liveBytes bytes reachable after the full GC
 * @param oldGenBytes the old generation's used bytes right after it (ParallelGC's ParOldGen)
 */
record ProcessSample(
    String name,
    long pid,
    long liveBytes,
    long oldGenBytes,
    long threads,
    long fds,
    long rssBytes) {

  private static final long JCMD_TIMEOUT_S = 60;
  private static final Pattern OLD_GEN = Pattern.compile("ParOldGen\\s+total \\d+K, used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  static ProcessSample of(String name, long pid) {
    long live = HeapProbe.liveBytes(pid);
    long old = oldGenUsed(jcmd(pid, "GC.heap_info"));
    Path proc = Paths.get("/proc", Long.toString(pid));
    return new ProcessSample(
        name, pid, live, old, count(proc.resolve("task")), count(proc.resolve("fd")), rss(proc));
  }

  /** The old generation's used bytes in {@code GC.heap_info} output; -1 when not ParallelGC. */
  static long oldGenUsed(String heapInfo) {
    Matcher m = OLD_GEN.matcher(heapInfo);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  String line() {
    return String.format(
        Locale.ROOT,
        "%s live=%.1fMB old=%.1fMB threads=%d fds=%d rss=%.0fMB",
        name,
        liveBytes / 1e6,
        oldGenBytes / 1e6,
        threads,
        fds,
        rssBytes / 1e6);
  }

  private static long count(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    } catch (IOException e) {
      return -1; // not Linux, or the process is gone
    }
  }

  private static long rss(Path proc) {
    try {
      Matcher m = RSS.matcher(Files.readString(proc.resolve("status")));
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static String jcmd(long pid, String command) {
    String jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
    Path out = null;
    try {
      // Output to a file, not a pipe: reading a pipe blocks until jcmd exits, so a target that
      // never
      // answers would hold the caller forever, past any timeout or interrupt.
      out = Files.createTempFile("taskgrid-jcmd-", ".txt");
      Process p =
          new ProcessBuilder(jcmd, Long.toString(pid), command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(JCMD_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "jcmd " + pid + " " + command + " did not answer within " + JCMD_TIMEOUT_S + " s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run jcmd: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // A temporary file left behind is harmless.
        }
      }
    }
  }
}

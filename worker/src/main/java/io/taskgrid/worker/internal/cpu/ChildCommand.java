package io.taskgrid.worker.internal.cpu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The command line of a CPU child: the agent's own java binary and class path (plus the plugin
 * jars), start-up friendly JVM options, the caller's options, and {@link ChildMain}. The one place
 * that reads the JVM's system properties for this.
 */
public final class ChildCommand {
  /**
   * Fast start and a small heap; the caller's options come after these, so they win (a collector
   * the caller chooses replaces SerialGC: {@link GcChoice}). Tiered compilation stays on in full:
   * sum_squares needs the C2 compiler.
   *
   * <p>A child that runs out of memory exits at once ({@code ExitOnOutOfMemoryError}, exit code
   * {@value #EXIT_OUT_OF_MEMORY}) instead of limping; the agent reports its task {@code FAILED}
   * with {@code java.lang.OutOfMemoryError} and starts a new child. The JVM's own messages (such as
   * "Terminating due to java.lang.OutOfMemoryError") go to stderr, never into the frames on stdout.
   */
  static final List<String> DEFAULT_JVM_OPTIONS =
      List.of(
          "-Xshare:auto",
          "-XX:+UseSerialGC",
          "-Xmx256m",
          "-XX:-UsePerfData",
          "-XX:+ExitOnOutOfMemoryError",
          "-XX:+DisplayVMOutputToStderr");

  /**
   * Options for the running JDK: from JDK 23 on, protobuf's use of {@code sun.misc.Unsafe} makes
   * every child print a four-line warning at start-up unless the command line allows it (JEP 471);
   * older JDKs do not know the option and would refuse to start. The children run on the agent's
   * own java binary, so its version is theirs.
   */
  static List<String> jdkOptions(int feature) {
    return feature >= 23 ? List.of("--sun-misc-unsafe-memory-access=allow") : List.of();
  }

  /** The exit code of a JVM that {@code -XX:+ExitOnOutOfMemoryError} ended. */
  public static final int EXIT_OUT_OF_MEMORY = 3;

  /** Options that would change what the child runs, or print instead of running it. */
  private static final Set<String> NOT_CHILD_OPTIONS =
      Set.of(
          "-cp",
          "-classpath",
          "--class-path",
          "-jar",
          "-m",
          "--module",
          "-p",
          "--module-path",
          "-version",
          "--version",
          "--show-version",
          "-help",
          "-h",
          "-?",
          "--help",
          "-X",
          "--help-extra",
          "--dry-run");

  private ChildCommand() {}

  /**
   * Why a caller's JVM option cannot be given to a child, or null if it can: each must start with
   * '-', must not name a class path, module or main class (the child's are fixed), and must not
   * print to stdout, which carries the child's frames ({@code -verbose}, {@code -Xlog} to stdout).
   */
  public static @Nullable String problem(String option) {
    if (!option.startsWith("-") || option.isBlank()) {
      return "'" + option + "' is not a JVM option (expected: options starting with '-')";
    }
    String name = option.split("[=:]", 2)[0].toLowerCase(Locale.ROOT);
    if (NOT_CHILD_OPTIONS.contains(option) || NOT_CHILD_OPTIONS.contains(name)) {
      return "'"
          + option
          + "' cannot be given to a CPU child (it sets its own class path and main)";
    }
    if (name.equals("-verbose") || (option.startsWith("-Xlog") && logsToStdout(option))) {
      return "'"
          + option
          + "' would print to the child's stdout, which carries its frames (log to stderr or a"
          + " file, e.g. -Xlog:gc:stderr)";
    }
    return null;
  }

  /** {@code -Xlog[:what[:output[...]]]}: the output defaults to stdout. */
  private static boolean logsToStdout(String option) {
    String[] parts = option.split(":", 4);
    if (parts.length < 2 || parts[1].equals("disable")) {
      return parts.length < 2;
    }
    return parts.length < 3 || parts[2].isEmpty() || parts[2].equals("stdout");
  }

  /**
   * Starts a JVM with the children's options plus {@code jvmOptions} and {@code -version}: empty if
   * it starts, else the JVM's complaint (its first line, for example "Invalid maximum heap size:
   * -Xmx1q").
   */
  public static Optional<String> probe(List<String> jvmOptions, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(GcChoice.defaultsGivingWay(DEFAULT_JVM_OPTIONS, jvmOptions));
    command.addAll(jdkOptions(Runtime.version().feature()));
    command.addAll(jvmOptions);
    command.add("-version");
    Path output = Files.createTempFile("taskgrid-child-probe", ".txt");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return Optional.of("a JVM with these options did not start within " + timeout);
      }
      if (p.exitValue() == 0) {
        return Optional.empty();
      }
      String text = Files.readString(output, StandardCharsets.UTF_8).strip();
      return Optional.of(
          text.isEmpty() ? "exit code " + p.exitValue() : text.lines().findFirst().orElse(text));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** The command that starts one child. */
  public static List<String> of(List<Path> pluginJars, List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(GcChoice.defaultsGivingWay(DEFAULT_JVM_OPTIONS, jvmOptions));
    command.addAll(jdkOptions(Runtime.version().feature()));
    command.addAll(jvmOptions);
    StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path", ""));
    for (Path jar : pluginJars) {
      if (classPath.length() > 0) {
        classPath.append(File.pathSeparatorChar);
      }
      classPath.append(jar.toAbsolutePath());
    }
    command.add("-cp");
    command.add(classPath.toString());
    command.add(ChildMain.class.getName());
    return command;
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Paths.get(System.getProperty("java.home"), "bin", "java").toString());
  }
}

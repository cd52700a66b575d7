package io.taskgrid.worker.internal.cpu;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a CPU child: the agent's own java binary and class path (plus the plugin
 * jars), start-up friendly JVM options, the caller's options, and {@link ChildMain}. The one place
 * that reads the JVM's system properties for this.
 */
public final class ChildCommand {
  /**
   * Fast start and a small heap; the caller's options come after these, so they win. Tiered
   * compilation stays on in full: sum_squares needs the C2 compiler.
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

  /** The exit code of a JVM that {@code -XX:+ExitOnOutOfMemoryError} ended. */
  public static final int EXIT_OUT_OF_MEMORY = 3;

  private ChildCommand() {}

  /** The command that starts one child. */
  public static List<String> of(List<Path> pluginJars, List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(DEFAULT_JVM_OPTIONS);
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

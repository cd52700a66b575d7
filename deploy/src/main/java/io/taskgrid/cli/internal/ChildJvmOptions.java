package io.taskgrid.cli.internal;

import io.taskgrid.worker.internal.cpu.ChildCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code --child-jvm-opts} flag: JVM options of the CPU child processes, separated by spaces
 * (for example {@code "-Xmx1g -XX:+UseParallelGC"}). Checked before the worker starts, by rule and
 * by starting a JVM with them, so that a typo is one usage error instead of children that never
 * come up.
 */
final class ChildJvmOptions {
  static final String FLAG = "--child-jvm-opts";

  /** How long the trial JVM may take to start on a busy machine. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

  private ChildJvmOptions() {}

  /** The options in {@code value}, checked; a {@link UsageException} names the bad one. */
  static List<String> parse(String value) {
    List<String> options =
        Arrays.stream(value.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    for (String option : options) {
      String problem = ChildCommand.problem(option);
      if (problem != null) {
        throw new UsageException(FLAG + ": " + problem);
      }
    }
    if (options.isEmpty()) {
      return options;
    }
    Optional<String> complaint;
    try {
      complaint = ChildCommand.probe(options, PROBE_TIMEOUT);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a JVM to check " + FLAG + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking " + FLAG, e);
    }
    complaint.ifPresent(
        c -> {
          throw new UsageException(
              FLAG + ": '" + String.join(" ", options) + "' does not start a JVM: " + c);
        });
    return options;
  }
}

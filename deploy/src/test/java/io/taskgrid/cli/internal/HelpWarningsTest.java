package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --help} of every command prints its usage and nothing on stderr. Picocli descriptions are
 * format strings: a lone {@code %} makes picocli print "[picocli WARN] Could not format ..." on
 * stderr (as {@code bench --help} did). The tracer writes to the stderr of the JVM that loaded
 * picocli, so the commands run in a fresh JVM ({@link HelpOfEveryCommand}).
 */
class HelpWarningsTest {
  @TempDir Path dir;

  @Test
  void help_everyCommand_usageOnStdoutAndNothingOnStderr() throws Exception {
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                HelpOfEveryCommand.class.getName())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the help JVM ended").isTrue();

    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isZero();
    List<String> helps = stdout.lines().filter(l -> l.startsWith("HELP ")).toList();
    // The root, the commands, and the subcommands (worker, coordinator, bench, ...).
    assertThat(helps).hasSizeGreaterThan(12).allMatch(l -> l.endsWith(" 0"), "exit code 0");
    assertThat(helps).contains("HELP bench 0", "HELP local 0", "HELP status 0");
    assertThat(stdout).contains("Usage: taskgrid bench").contains("Usage: taskgrid local");
    assertThat(stderr).as("stderr of every --help").isEmpty();
  }
}

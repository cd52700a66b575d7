package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/taskgrid} hands the JVM, read off a fake {@code java} that prints its arguments:
 * the defaults, and the settings in TASKGRID_JAVA_OPTS that replace them (a JVM given two
 * collectors or the default heap beside the caller's does not do what the caller asked).
 */
class LauncherScriptTest {
  @TempDir Path dir;

  @Test
  void nothingSet_parallelGcAndTwoGigabyteHeap() throws Exception {
    List<String> args = launch(Map.of());

    assertThat(args).contains("-XX:+UseParallelGC", "-Xmx2g");
    assertThat(args.subList(args.size() - 2, args.size()))
        .containsExactly("io.taskgrid.cli.internal.TaskgridCli", "--version");
  }

  @Test
  void collectorInJavaOpts_replacesParallelGc() throws Exception {
    List<String> args = launch(Map.of("TASKGRID_JAVA_OPTS", "-Xlog:gc -XX:+UseG1GC"));

    assertThat(args).contains("-XX:+UseG1GC", "-Xlog:gc", "-Xmx2g");
    assertThat(args).doesNotContain("-XX:+UseParallelGC");
  }

  @Test
  void optionThatOnlyTunesTheCollector_keepsParallelGc() throws Exception {
    List<String> args = launch(Map.of("TASKGRID_JAVA_OPTS", "-XX:+UseMaximumCompactionOnSystemGC"));

    assertThat(args).contains("-XX:+UseParallelGC", "-XX:+UseMaximumCompactionOnSystemGC");
  }

  @Test
  void heapInJavaOpts_replacesTaskgridHeap() throws Exception {
    List<String> args =
        launch(Map.of("TASKGRID_HEAP", "3g", "TASKGRID_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC"));

    assertThat(args).contains("-Xmx512m", "-XX:+UseSerialGC");
    assertThat(args).doesNotContain("-Xmx3g", "-XX:+UseParallelGC");
  }

  /** Runs {@code bin/taskgrid --version} against the fake JDK: the JVM's arguments, one a line. */
  private List<String> launch(Map<String, String> env) throws IOException, InterruptedException {
    Path jdk = dir.resolve("jdk");
    Files.createDirectories(jdk.resolve("bin"));
    Path java = jdk.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path out = dir.resolve("out.txt");
    ProcessBuilder pb =
        new ProcessBuilder("bash", Path.of("bin/taskgrid").toString(), "--version")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().remove("TASKGRID_HEAP");
    pb.environment().remove("TASKGRID_JAVA_OPTS");
    pb.environment().put("JAVA_HOME", jdk.toString());
    pb.environment().put("TASKGRID_LIB", lib.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
    return lines;
  }
}

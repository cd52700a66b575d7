package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of the soak (issue 18): {@code taskgrid bench -w soak} for 30 seconds at a
 * fixed rate with a small retention budget, the coordinator and worker as processes at the
 * launcher's flags. Every sample must show the retained finished tasks within the budget (and the
 * budget reached: 15,000 tasks end against a budget of 2,000), no task may fail or answer wrong,
 * and the coordinator's live heap after a full GC must stay under a bound at every sample. (Half a
 * minute on a shared 2-core machine is too short for a growth figure to mean much: flatness over
 * time is what the long soak in bench/RESULTS.md shows.)
 */
@Tag(E2eMachine.SHARES_THE_MACHINE)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SoakIT {
  private static final long BUDGET = 2_000;
  private static final Pattern SAMPLE =
      Pattern.compile(
          "SOAK t=(\\d+)s .* retained=(\\d+) budget=(\\d+) .*\\| coordinator live=([0-9.]+)MB");

  /** The coordinator's live heap after a full GC, at most (its -Xmx is 512 MB). */
  private static final double MAX_LIVE_MB = 160;

  @TempDir Path workDir;

  @Test
  void soak_halfAMinuteWithSmallBudget_retainedWithinBudgetAndLiveHeapFlat() throws Exception {
    Path lib = Paths.get(System.getProperty("taskgrid.dist.lib", "../deploy/target/dist/lib"));
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(lib.toAbsolutePath() + "/*");
    command.add("io.taskgrid.cli.internal.TaskgridCli");
    command.addAll(
        List.of(
            "bench",
            "-w",
            "soak",
            "--smoke",
            "--soak-minutes",
            "0.5",
            "--soak-rate",
            "500",
            "--soak-sample-s",
            "5",
            "--soak-retained-max",
            Long.toString(BUDGET),
            "--soak-heap",
            "512m",
            // Checked below with an absolute bound: over half a minute a relative one is noise.
            "--soak-max-heap-growth-pct",
            "-1",
            "--work-dir",
            workDir.resolve("processes").toString()));
    Path log = workDir.resolve("bench.log");
    Process bench =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(bench.waitFor(5, TimeUnit.MINUTES)).as("bench ended").isTrue();
    } finally {
      bench.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(bench.exitValue()).as(out).isZero();

    List<long[]> samples = new ArrayList<>(); // seconds, retained, budget
    List<Double> liveMb = new ArrayList<>();
    Matcher m = SAMPLE.matcher(out);
    while (m.find()) {
      samples.add(
          new long[] {
            Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))
          });
      liveMb.add(Double.parseDouble(m.group(4)));
    }
    // Sampling (jcmd on four processes) takes seconds on a loaded machine: at least 3 in 30 s.
    assertThat(samples).as(out).hasSizeGreaterThanOrEqualTo(3);
    assertThat(samples).allSatisfy(s -> assertThat(s[2]).isEqualTo(BUDGET));
    assertThat(samples)
        .allSatisfy(s -> assertThat(s[1]).as("retained").isLessThanOrEqualTo(BUDGET));
    assertThat(samples.stream().mapToLong(s -> s[1]).max().orElse(0))
        .as("the budget is reached, so eviction ran")
        .isGreaterThan(BUDGET / 2);
    assertThat(out).contains("RESULT taskgrid g_soak tasks_failed tasks 0");
    assertThat(out).contains("RESULT taskgrid g_soak tasks_wrong tasks 0");
    assertThat(liveMb)
        .as("coordinator live heap after GC (MB)")
        .allSatisfy(mb -> assertThat(mb).isLessThan(MAX_LIVE_MB));
  }
}

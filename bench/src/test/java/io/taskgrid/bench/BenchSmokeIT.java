package io.taskgrid.bench;

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
 * {@code taskgrid bench --smoke} from the built distribution: a coordinator and a worker start as
 * real processes, tiny workloads (a) and (d) run, and their figures come out as RESULT lines.
 */
class BenchSmokeIT {
  @TempDir Path workDir;

  @Test
  void smokeRunPrintsFigures() throws Exception {
    Path lib = Paths.get(System.getProperty("taskgrid.dist.lib", "../deploy/target/dist/lib"));
    Path output = workDir.resolve("bench.out");
    Process bench =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-cp",
                lib.toAbsolutePath() + "/*",
                "io.taskgrid.cli.internal.TaskgridCli",
                "bench",
                "--smoke",
                "--workload",
                "noop,cpu",
                "--work-dir",
                workDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();

    boolean exited = bench.waitFor(5, TimeUnit.MINUTES);
    if (!exited) {
      bench.destroyForcibly();
    }

    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(exited).as("bench exited; output: %s", lines).isTrue();
    assertThat(bench.exitValue()).as("exit code; output: %s", lines).isZero();
    assertThat(lines)
        .anyMatch(l -> l.startsWith("RESULT taskgrid a_noop throughput tasks/s "))
        .anyMatch(l -> l.startsWith("RESULT taskgrid a_noop coordinator_cpu_per_task us "))
        .anyMatch(l -> l.startsWith("RESULT taskgrid d_cpu efficiency % "));
  }
}

package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The demo, scaled down, on a real local cluster (coordinator, worker, one CPU child). */
class DemoCommandTest {
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void demo_smallWorkloads_exitsZeroWithExactSumsAndEveryPage() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code =
        cli.execute(
            "demo",
            "--cpu-processes=1",
            "--sum-base=1000",
            "--sum-count=3",
            "--sized-base=2000",
            "--sized-count=4",
            "--pages=12",
            "--sleeps=200",
            "--sleep-millis=20");

    assertThat(code).as("exit code; stderr: %s", err).isZero();
    assertThat(out.toString())
        .contains("0  1000         332833500")
        .contains("2  1002         334835501")
        .contains("3 results, all exact")
        .containsPattern("cannot beat one thread|Each task is ~")
        .containsPattern("4 results, all exact; ~\\d+ ms of work per task")
        .containsPattern("speed-up: \\d+\\.\\d\\dx with 1 CPU processes on \\d+ cores")
        .contains("[ 12/12] 200")
        .contains("12 pages, 12 OK")
        .contains("200 of 200 done")
        .contains("Demo finished: every result checked.");
  }
}

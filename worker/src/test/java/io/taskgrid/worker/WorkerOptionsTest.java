package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

  @Test
  void getDefaultInstance_noSettings_documentedDefaults() {
    WorkerOptions o = WorkerOptions.getDefaultInstance();

    assertThat(o.coordinators()).containsExactly(WorkerOptions.DEFAULT_COORDINATOR);
    assertThat(o.ioThreads()).isEqualTo(2);
    assertThat(o.ioCapacity()).isEqualTo(10_000);
    assertThat(o.blockingThreads()).isEqualTo(16);
    assertThat(o.cpuProcesses()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(o.workerId()).isEmpty();
    assertThat(o.pluginsDir()).isEmpty();
    assertThat(o.cancelGracePeriod()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void toBuilder_changeOneField_keepsTheOthers() {
    WorkerOptions o =
        WorkerOptions.newBuilder().ioCapacity(7).workerId("w").build().toBuilder()
            .ioThreads(3)
            .build();

    assertThat(o.ioCapacity()).isEqualTo(7);
    assertThat(o.workerId()).contains("w");
    assertThat(o.ioThreads()).isEqualTo(3);
  }

  @Test
  void build_negativeCapacity_namesTheOption() {
    assertThatThrownBy(() -> WorkerOptions.newBuilder().ioCapacity(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ioCapacity: -1 (expected: > 0)");
  }

  @Test
  void build_childJvmOptionsThatReplaceTheChildOrPrintToStdout_rejected() {
    assertThatThrownBy(
            () -> WorkerOptions.newBuilder().childJvmOptions(List.of("-jar", "x.jar")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("childJvmOptions: '-jar' cannot be given to a CPU child");
    assertThatThrownBy(
            () -> WorkerOptions.newBuilder().childJvmOptions(List.of("-Xlog:gc")).build())
        .hasMessageContaining("would print to the child's stdout");
    assertThatThrownBy(() -> WorkerOptions.newBuilder().childJvmOptions(List.of("512m")).build())
        .hasMessageContaining("'512m' is not a JVM option");
    assertThat(
            WorkerOptions.newBuilder()
                .childJvmOptions(List.of("-Xmx1g", "-Xlog:gc*:file=gc.log", "-Dx=-cp"))
                .build()
                .childJvmOptions())
        .containsExactly("-Xmx1g", "-Xlog:gc*:file=gc.log", "-Dx=-cp");
  }

  @Test
  void build_badTarget_rejected() {
    assertThatThrownBy(() -> WorkerOptions.newBuilder().coordinators(List.of("nohost")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("coordinators: nohost");
    assertThatThrownBy(() -> WorkerOptions.newBuilder().coordinators(List.of()).build())
        .hasMessageContaining("coordinators");
  }

  @Test
  void build_zeroCpuProcesses_allowedAsNoCpuPool() {
    assertThat(WorkerOptions.newBuilder().cpuProcesses(0).build().cpuProcesses()).isZero();
    assertThatThrownBy(() -> WorkerOptions.newBuilder().cpuProcesses(-1).build())
        .hasMessage("cpuProcesses: -1 (expected: >= 0)");
  }

  @Test
  void build_cpuPrefetch_countsInTheCpuCapacity_outOfRangeRejected() {
    WorkerOptions o = WorkerOptions.newBuilder().cpuProcesses(3).cpuPrefetch(2).build();
    assertThat(o.cpuCapacity()).isEqualTo(9);
    assertThat(WorkerOptions.newBuilder().cpuProcesses(0).build().cpuCapacity()).isZero();

    assertThatThrownBy(() -> WorkerOptions.newBuilder().cpuPrefetch(-1).build())
        .hasMessage("cpuPrefetch: -1 (expected: 0..1000)");
    assertThatThrownBy(
            () ->
                WorkerOptions.newBuilder()
                    .cpuProcesses(Integer.MAX_VALUE / 2)
                    .cpuPrefetch(2)
                    .build())
        .hasMessageStartingWith("cpuProcesses: " + Integer.MAX_VALUE / 2);
  }

  @Test
  void getDefaultInstance_http_nothingAllowedFourMiBSixtySeconds() {
    WorkerOptions o = WorkerOptions.getDefaultInstance();

    assertThat(o.httpAllow()).isEmpty();
    assertThat(o.httpMaxBodyBytes()).isEqualTo(4L << 20);
    assertThat(o.httpTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void build_httpAllowHostName_namesTheEntryAndTheForms() {
    assertThatThrownBy(
            () -> WorkerOptions.newBuilder().httpAllow(List.of("localhost:8080")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("httpAllow: 'localhost:8080' (")
        .hasMessageContaining("host names are not accepted");
  }

  @Test
  void build_httpLimitsNotPositive_namesTheOption() {
    assertThatThrownBy(() -> WorkerOptions.newBuilder().httpMaxBodyBytes(0).build())
        .hasMessage("httpMaxBodyBytes: 0 (expected: >= 1)");
    assertThatThrownBy(() -> WorkerOptions.newBuilder().httpTimeout(Duration.ZERO).build())
        .hasMessage("httpTimeout: PT0S (expected: > 0)");
  }
}

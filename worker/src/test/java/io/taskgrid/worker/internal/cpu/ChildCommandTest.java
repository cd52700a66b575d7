package io.taskgrid.worker.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildCommandTest {
  private static final String ALLOW_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

  @Test
  void unsafeAccessIsAllowedFromJdk23On_whereTheOptionExists() {
    assertThat(ChildCommand.jdkOptions(17)).isEmpty();
    assertThat(ChildCommand.jdkOptions(22)).isEmpty();
    assertThat(ChildCommand.jdkOptions(23)).containsExactly(ALLOW_UNSAFE);
    assertThat(ChildCommand.jdkOptions(25)).containsExactly(ALLOW_UNSAFE);
  }

  @Test
  void aChildsCommandCarriesTheOptionsOfTheRunningJdk_andThatJdkStartsWithThem() throws Exception {
    List<String> command = ChildCommand.of(List.of(), List.of("-Xss2m"));

    assertThat(command.contains(ALLOW_UNSAFE)).isEqualTo(Runtime.version().feature() >= 23);
    assertThat(command.indexOf("-Xss2m")).isGreaterThan(command.indexOf("-XX:+UseSerialGC"));
    // The same options (the probe adds the JDK's ones too) start a real JVM on this JDK.
    assertThat(ChildCommand.probe(List.of("-Xss2m"), Duration.ofSeconds(60))).isEmpty();
  }

  @Test
  void aCollectorTheCallerChooses_replacesSerialGc_andTheJvmStartsWithIt() throws Exception {
    List<String> command = ChildCommand.of(List.of(), List.of("-XX:+UseParallelGC"));

    assertThat(command).contains("-XX:+UseParallelGC").doesNotContain("-XX:+UseSerialGC");
    // Before, the two collectors together made every child's JVM refuse to start.
    assertThat(ChildCommand.probe(List.of("-Xmx1g", "-XX:+UseParallelGC"), Duration.ofSeconds(60)))
        .isEmpty();
  }

  @Test
  void anOptionThatOnlyTunesTheCollector_keepsSerialGc() {
    assertThat(ChildCommand.of(List.of(), List.of("-XX:+UseGCOverheadLimit")))
        .contains("-XX:+UseSerialGC");
    assertThat(GcChoice.selectsCollector("-XX:+UseMaximumCompactionOnSystemGC")).isFalse();
    assertThat(GcChoice.selectsCollector("-XX:+UseZGC")).isTrue();
  }
}

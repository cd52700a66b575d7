package io.taskgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Every JMH benchmark runs once, briefly, in this JVM: proves the benchmarks still work. */
class JmhSmokeTest {
  @Test
  void everyBenchmarkProducesAScore() throws Exception {
    Options options =
        new OptionsBuilder()
            .include("io\\.taskgrid\\..*Bench")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> results = new Runner(options).run();

    Set<String> names =
        results.stream()
            .map(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
            .collect(Collectors.toSet());
    assertThat(names)
        .contains(
            "fairQueueAddPoll",
            "enqueueDispatchComplete",
            "createThenComplete",
            "readOneTask",
            "longRoundTrip",
            "jsonRoundTrip");
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }
}

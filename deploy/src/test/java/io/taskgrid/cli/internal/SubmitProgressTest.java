package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress bar off a terminal: whole lines under 80 columns, no carriage returns. */
class SubmitProgressTest {
  @Test
  void notATerminal_linesUnder80ColumnsWithoutCarriageReturns() {
    StringWriter err = new StringWriter();
    AtomicLong clock = new AtomicLong();
    try (SubmitProgress progress =
        SubmitProgress.start(
            "a_long_plugin_task_type_name", 1000, new PrintWriter(err, true), false, clock::get)) {
      for (int i = 0; i < 1000; i++) {
        progress.step();
      }
    }

    String text = err.toString();
    assertThat(text).doesNotContain("\r").endsWith(System.lineSeparator());
    List<String> lines = text.lines().toList();
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.length()).isLessThan(80));
    assertThat(lines.get(lines.size() - 1)).contains("100%", "1000/1000");
  }

  @Test
  void lineConsumer_printsAtMostOneLinePerIntervalAndTheLastAtClose() {
    StringWriter err = new StringWriter();
    AtomicLong clock = new AtomicLong();
    LineProgressConsumer consumer =
        new LineProgressConsumer(new PrintWriter(err, true), 79, clock::get);

    consumer.accept("a");
    clock.addAndGet(TimeUnit.SECONDS.toNanos(LineProgressConsumer.INTERVAL_SECONDS));
    consumer.accept("b");
    consumer.accept("c");
    consumer.accept("d");
    consumer.close();

    assertThat(err.toString().lines()).containsExactly("b", "d");
  }
}

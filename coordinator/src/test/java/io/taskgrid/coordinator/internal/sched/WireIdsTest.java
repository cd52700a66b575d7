package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireIdsTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "task-1", "job_2024.01:part-3", "sum_squares", "http.get"})
  void problem_safeId_none(String id) {
    assertThat(WireIds.problem("id", id)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a/b", "é", "a\nb", "\u001b[2J", "a\u202eb", "a\u0000"})
  void problem_unsafeId_named(String id) {
    assertThat(WireIds.problem("worker id", id)).startsWith("worker id ");
  }

  @Test
  void problem_tooLong_namesTheLength() {
    assertThat(WireIds.problem("job id", "j".repeat(129)))
        .isEqualTo("job id is 129 characters, longer than 128");
    assertThat(WireIds.problem("job id", "j".repeat(128))).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain|plain",
        "a\\b|a\\\\b",
      })
  void escape_printable_unchangedButBackslashDoubled(String in, String out) {
    assertThat(WireIds.escape(in)).isEqualTo(out);
  }

  @Test
  void escape_controlAndFormatCharacters_becomeVisibleEscapes() {
    assertThat(WireIds.escape("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
    assertThat(WireIds.escape("\u001b[31mred")).isEqualTo("\\u001b[31mred");
    assertThat(WireIds.escape("\u009b31m")).isEqualTo("\\u009b31m");
    assertThat(WireIds.escape("abc\u202egnp.exe")).isEqualTo("abc\\u202egnp.exe");
    assertThat(WireIds.escape("line\u2028sep")).isEqualTo("line\\u2028sep");
    assertThat(WireIds.escape("zoë Ω 東京")).isEqualTo("zoë Ω 東京");
  }

  @Test
  void labelsProblem_freeTextValuesFineControlCharactersNot() {
    assertThat(WireIds.labelsProblem("task", Map.of("owner", "Zoë Smith", "zone", "eu-west-1a")))
        .isNull();
    assertThat(WireIds.labelsProblem("task", Map.of("owner", "x\u001b[2J")))
        .isEqualTo(
            "task: label 'owner' has a control character at index 1 of its value 'x\\u001b[2J'");
    assertThat(WireIds.labelsProblem("task", Map.of("bad key", "v")))
        .startsWith("task: label key 'bad key' has a bad character");
  }
}

package io.taskgrid.e2e.asyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the code of {@code docs/ASYNCIO.md} compiled and run by the build: every {@code java} code
 * block there must be preceded by {@code <!-- snippet: Class#tag -->} and equal (indentation aside)
 * the region between {@code // tag::tag[]} and {@code // end::tag[]} in that test class of this
 * package, which the build compiles and runs ({@link AsyncioExamplesTest}).
 */
class AsyncioDocSnippetsTest {
  private static final Path DOC = Path.of("..", "docs", "ASYNCIO.md");
  private static final Path SOURCES =
      Path.of("src", "test", "java", "io", "taskgrid", "e2e", "asyncio");
  private static final Pattern BLOCK =
      Pattern.compile("(?:<!-- snippet: (\\w+)#(\\w+) -->\\n)?```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyJavaBlockOfTheDoc_isATaggedRegionOfACompiledTest() throws IOException {
    String doc = Files.readString(DOC);
    Matcher m = BLOCK.matcher(doc);
    Map<String, String> checked = new LinkedHashMap<>();
    List<String> unmarked = new ArrayList<>();
    while (m.find()) {
      if (m.group(1) == null) {
        unmarked.add(m.group(3));
        continue;
      }
      String source = Files.readString(SOURCES.resolve(m.group(1) + ".java"));
      String region = region(source, m.group(2));
      assertThat(dedent(m.group(3)))
          .as("the doc's %s#%s block equals the tagged region", m.group(1), m.group(2))
          .isEqualTo(dedent(region));
      checked.put(m.group(1) + "#" + m.group(2), region);
    }
    assertThat(unmarked).as("java blocks without a <!-- snippet: Class#tag --> marker").isEmpty();
    assertThat(checked).as("snippets checked").isNotEmpty();
  }

  private static String region(String source, String tag) {
    String begin = "// tag::" + tag + "[]";
    String end = "// end::" + tag + "[]";
    int from = source.indexOf(begin);
    int to = source.indexOf(end);
    assertThat(from).as("%s in the source", begin).isNotNegative();
    assertThat(to).as("%s in the source", end).isGreaterThan(from);
    String inner = source.substring(source.indexOf('\n', from) + 1, to);
    return inner.substring(0, inner.lastIndexOf('\n') + 1);
  }

  /** Removes the common indentation and trailing blanks, so that only the code is compared. */
  static String dedent(String code) {
    List<String> lines = code.lines().toList();
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
    }
    return b.toString().strip();
  }
}

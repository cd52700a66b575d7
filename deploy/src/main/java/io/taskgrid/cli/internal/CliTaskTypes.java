package io.taskgrid.cli.internal;

import io.taskgrid.client.Codecs;
import io.taskgrid.client.HttpResult;
import io.taskgrid.client.TaskType;
import io.taskgrid.client.TaskTypes;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How the command line turns {@code --input} strings into task inputs and outputs into text: the
 * built-in types by name, any other (plugin) type as text in and text out.
 */
final class CliTaskTypes {
  /**
   * One type as the command line sees it.
   *
   * @param type the SDK type, with its input type erased
   * @param parse turns an {@code --input} string into the input
   * @param defaultInput the input when none is given, or null when one is required
   * @param inputHint what the input is, for messages
   */
  record CliType(
      TaskType<Object, Object> type,
      Function<String, Object> parse,
      @Nullable String defaultInput,
      String inputHint) {}

  private static final Map<String, CliType> BUILT_IN = new LinkedHashMap<>();

  static {
    add(TaskTypes.NOOP, s -> s.getBytes(StandardCharsets.UTF_8), "", "anything");
    add(TaskTypes.ECHO, s -> s, "", "text");
    add(TaskTypes.SLEEP, s -> number("sleep", s), null, "milliseconds");
    add(TaskTypes.HTTP_GET, s -> s, null, "a URL");
    add(TaskTypes.SUM_SQUARES, s -> number("sum_squares", s), null, "n");
    add(TaskTypes.FAIL, s -> s, "failed on purpose", "a message");
    add(TaskTypes.SPIN, s -> number("spin", s), null, "milliseconds");
  }

  /** Completion candidates of a task type argument: the built-in names. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return BUILT_IN.keySet().iterator();
    }
  }

  private CliTaskTypes() {}

  @SuppressWarnings("unchecked")
  private static void add(
      TaskType<?, ?> type,
      Function<String, Object> parse,
      @Nullable String defaultInput,
      String hint) {
    BUILT_IN.put(
        type.name(),
        new CliType((TaskType<Object, Object>) (TaskType<?, ?>) type, parse, defaultInput, hint));
  }

  /** The built-in type of that name, or a text-in, text-out type for a plugin's handler. */
  @SuppressWarnings("unchecked")
  static CliType forName(String name) {
    if (name.isBlank()) {
      throw new UsageException("TYPE: '" + name + "' (expected: a task type such as echo)");
    }
    CliType builtIn = BUILT_IN.get(name);
    if (builtIn != null) {
      return builtIn;
    }
    TaskType<?, ?> plugin = TaskType.of(name, Codecs.string(), Codecs.bytes());
    return new CliType((TaskType<Object, Object>) plugin, s -> s, "", "text");
  }

  /** An output as one line of text. */
  static String format(@Nullable Object output) {
    if (output == null) {
      return "";
    }
    if (output instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (output instanceof HttpResult http) {
      return "HTTP " + http.status() + ", " + http.body().length() + " chars from " + http.url();
    }
    return output.toString();
  }

  private static Long number(String type, String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--input: '" + s + "' is not a whole number (" + type + " takes one)");
    }
  }
}

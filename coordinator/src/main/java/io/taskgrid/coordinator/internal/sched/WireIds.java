package io.taskgrid.coordinator.internal.sched;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for names that arrive on the wire and end up in logs, metrics labels and terminals:
 * task ids, job ids, worker ids, node names, task type names and label keys are {@code
 * [A-Za-z0-9._:-]{1,128}}; label values are at most {@value #MAX_LABEL_CHARS} characters with no
 * control or format character (they are free text, such as a zone or a user name, so spaces and
 * letters of any script are fine). A name that breaks the rule is refused with INVALID_ARGUMENT and
 * a message from here, in which the name is {@linkplain #escape escaped}.
 */
public final class WireIds {
  /** The longest id, job id, worker id, node or type name. */
  public static final int MAX_ID_LENGTH = 128;

  /** The longest label key or value. */
  public static final int MAX_LABEL_CHARS = 256;

  /** The most labels on one task or worker. */
  public static final int MAX_LABELS = 64;

  private WireIds() {}

  /**
   * Why {@code id} (named {@code what} in the message, e.g. "task id") is not {@code
   * [A-Za-z0-9._:-]{1,128}}, or null if it is fine.
   */
  public static @Nullable String problem(String what, String id) {
    if (id.isEmpty()) {
      return what + " is empty";
    }
    if (id.length() > MAX_ID_LENGTH) {
      return what + " is " + id.length() + " characters, longer than " + MAX_ID_LENGTH;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!isSafe(id.charAt(i))) {
        return what
            + " '"
            + escape(abbreviate(id))
            + "' has a bad character at index "
            + i
            + " (allowed: A-Z a-z 0-9 . _ : -)";
      }
    }
    return null;
  }

  /** Like {@link #problem}, but an empty value (the field is optional) is fine. */
  public static @Nullable String optionalProblem(String what, String id) {
    return id.isEmpty() ? null : problem(what, id);
  }

  /** The first {@link #problem} of a list of ids, or null if every one is fine. */
  public static @Nullable String listProblem(String what, List<String> ids) {
    for (String id : ids) {
      String p = problem(what, id);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /** Why a label map is unacceptable (too many, bad key, bad value), or null if it is fine. */
  public static @Nullable String labelsProblem(String what, Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      return what + ": more than " + MAX_LABELS + " labels";
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String key = e.getKey();
      if (key.length() > MAX_LABEL_CHARS || e.getValue().length() > MAX_LABEL_CHARS) {
        return what + ": label '" + escape(abbreviate(key)) + "' is longer than " + MAX_LABEL_CHARS;
      }
      String keyProblem = problem(what + ": label key", key);
      if (keyProblem != null) {
        return keyProblem;
      }
      String value = e.getValue();
      for (int i = 0; i < value.length(); i++) {
        if (isControl(value.charAt(i))) {
          return what
              + ": label '"
              + key
              + "' has a control character at index "
              + i
              + " of its value '"
              + escape(abbreviate(value))
              + "'";
        }
      }
    }
    return null;
  }

  /**
   * {@code s} safe to print on one line of a log or a terminal: control and format characters
   * (newlines, ESC of terminal escape sequences, bidirectional overrides) become {@code \n}, {@code
   * \r}, {@code \t} or {@code \}{@code uXXXX}; a backslash is doubled, so the escaped form cannot
   * be confused with an original.
   */
  public static String escape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isControl(c) && c != '\\') {
        if (b != null) {
          b.append(c);
        }
        continue;
      }
      if (b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\\' -> b.append("\\\\");
        default -> b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b == null ? s : b.toString();
  }

  private static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == ':'
        || c == '-';
  }

  /** C0, DEL, C1, and Unicode format characters (bidi overrides, zero-width, ...). */
  private static boolean isControl(char c) {
    int type = Character.getType(c);
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}

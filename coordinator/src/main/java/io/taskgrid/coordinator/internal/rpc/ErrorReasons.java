package io.taskgrid.coordinator.internal.rpc;

import io.taskgrid.proto.v1.ErrorReason;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.util.Map;
import java.util.Set;

/**
 * Fills {@link TaskError#getReason()} and {@link TaskError#getExceptionClass()} on the way out, so
 * that a client in any language branches on one catalogue (docs/WIRE.md) instead of the free-form
 * {@code type}, whose spellings mix Java class names and Taskgrid names. Done at the edge because
 * results come from workers of any version, from the coordinator itself and from the store.
 */
public final class ErrorReasons {
  /** Taskgrid's own error types (every spelling in use) and their reason. */
  private static final Map<String, ErrorReason> BY_TYPE =
      Map.ofEntries(
          Map.entry("Cancelled", ErrorReason.ERROR_REASON_CANCELLED),
          Map.entry("Timeout", ErrorReason.ERROR_REASON_TIMEOUT),
          Map.entry("TimedOut", ErrorReason.ERROR_REASON_TIMEOUT),
          Map.entry("DeadlineExceeded", ErrorReason.ERROR_REASON_DEADLINE_EXCEEDED),
          Map.entry("WorkerLost", ErrorReason.ERROR_REASON_WORKER_LOST),
          Map.entry("ChildProcessLost", ErrorReason.ERROR_REASON_CHILD_PROCESS_LOST),
          Map.entry("UnknownTaskType", ErrorReason.ERROR_REASON_UNKNOWN_TASK_TYPE),
          Map.entry("NoCredit", ErrorReason.ERROR_REASON_NO_CREDIT),
          Map.entry("ResultTooLarge", ErrorReason.ERROR_REASON_RESULT_TOO_LARGE),
          Map.entry("NOT_FOUND", ErrorReason.ERROR_REASON_NOT_FOUND));

  /** Exceptions a handler throws for bad input (by the Java convention). */
  private static final Set<String> INVALID_INPUT =
      Set.of(
          "java.lang.IllegalArgumentException",
          "java.lang.NumberFormatException",
          "java.net.URISyntaxException",
          "java.time.format.DateTimeParseException");

  /** Exceptions of a peer that could not be reached: another attempt may succeed. */
  private static final Set<String> CONNECTION_FAILED =
      Set.of(
          "java.net.ConnectException",
          "java.net.NoRouteToHostException",
          "java.net.SocketTimeoutException",
          "java.net.http.HttpConnectTimeoutException",
          "java.net.PortUnreachableException");

  private ErrorReasons() {}

  /** The reason of a result's error, from its outcome and type. */
  public static ErrorReason of(Outcome outcome, TaskError error) {
    if (error.getReason() != ErrorReason.ERROR_REASON_UNSPECIFIED) {
      return error.getReason();
    }
    ErrorReason known = BY_TYPE.get(error.getType());
    if (known != null) {
      return known;
    }
    return switch (outcome) {
      case CANCELLED -> ErrorReason.ERROR_REASON_CANCELLED;
      case TIMED_OUT -> ErrorReason.ERROR_REASON_TIMEOUT;
      case WORKER_LOST -> ErrorReason.ERROR_REASON_WORKER_LOST;
      case LOST -> ErrorReason.ERROR_REASON_NOT_FOUND;
      case REJECTED -> ErrorReason.ERROR_REASON_REJECTED;
      default -> handlerReason(error);
    };
  }

  private static ErrorReason handlerReason(TaskError error) {
    String type = error.getType();
    if (INVALID_INPUT.contains(type)) {
      return ErrorReason.ERROR_REASON_INVALID_INPUT;
    }
    if (CONNECTION_FAILED.contains(type)) {
      return ErrorReason.ERROR_REASON_CONNECTION_FAILED;
    }
    if (error.getMessage().startsWith("internal error of the worker")) {
      return ErrorReason.ERROR_REASON_INTERNAL;
    }
    return ErrorReason.ERROR_REASON_HANDLER_ERROR;
  }

  /** {@code r} with its error's reason (and exception class) filled, if it has an error. */
  public static TaskResult fill(TaskResult r) {
    if (!r.hasError() || r.getError().getReason() != ErrorReason.ERROR_REASON_UNSPECIFIED) {
      return r;
    }
    TaskError e = r.getError();
    ErrorReason reason = of(r.getOutcome(), e);
    TaskError.Builder b = e.toBuilder().setReason(reason);
    if (e.getExceptionClass().isEmpty() && looksLikeClassName(e.getType())) {
      b.setExceptionClass(e.getType());
    }
    return r.toBuilder().setError(b).build();
  }

  /** {@code info} with its result's reason filled. */
  public static TaskInfo fill(TaskInfo info) {
    if (!info.hasResult() || !info.getResult().hasError()) {
      return info;
    }
    TaskResult filled = fill(info.getResult());
    return filled == info.getResult() ? info : info.toBuilder().setResult(filled).build();
  }

  /** A qualified Java class name (Taskgrid's own types have no dot). */
  private static boolean looksLikeClassName(String type) {
    return type.indexOf('.') > 0 && !BY_TYPE.containsKey(type);
  }
}

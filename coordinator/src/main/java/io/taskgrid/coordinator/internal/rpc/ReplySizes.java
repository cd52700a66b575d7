package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Keeps replies within what their reader accepts, and requests within the id limit. A reply that
 * would not fit leaves out its largest parts (the task's input, then its output) and flags it,
 * rather than breaking the reader's stream with a message its inbound limit refuses.
 */
public final class ReplySizes {
  /** Room for the message's own envelope (tags, lengths, the reply's other fields). */
  private static final int ENVELOPE_BYTES = 1024;

  /** The most a caller may ask for: what the SDK and the worker accept. */
  static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

  private ReplySizes() {}

  /** The reply budget of a request: its own when given, else the server's message budget. */
  static int budget(int requested, int serverBudget) {
    if (requested <= 0) {
      return serverBudget;
    }
    return Math.min(requested, MAX_REPLY_BYTES);
  }

  static TaskInfo fit(TaskInfo info, int maxBytes) {
    if (info.getSerializedSize() + ENVELOPE_BYTES <= maxBytes) {
      return info;
    }
    TaskInfo.Builder b = info.toBuilder();
    if (!info.getSpec().getPayload().getData().isEmpty()) {
      b.getSpecBuilder()
          .setPayload(
              Payload.newBuilder().setContentType(info.getSpec().getPayload().getContentType()));
      b.setInputOmitted(true);
    }
    if (b.build().getSerializedSize() + ENVELOPE_BYTES > maxBytes && info.hasResult()) {
      b.setResult(fit(info.getResult(), 0));
    }
    return b.build();
  }

  static TaskResult fit(TaskResult result, int maxBytes) {
    if (result.getSerializedSize() + ENVELOPE_BYTES <= maxBytes
        || result.getOutput().getData().isEmpty()) {
      return result;
    }
    return result.toBuilder()
        .setOutput(Payload.newBuilder().setContentType(result.getOutput().getContentType()))
        .setOutputOmitted(true)
        .build();
  }

  /**
   * Splits results into runs whose messages stay within {@code maxBytes} (a single larger result is
   * a run of its own), sized incrementally from each result's memoized size.
   */
  static List<List<TaskResult>> chunks(List<TaskResult> results, int maxBytes) {
    List<List<TaskResult>> parts = new ArrayList<>();
    int from = 0;
    long bytes = ENVELOPE_BYTES;
    for (int i = 0; i < results.size(); i++) {
      // Each repeated element adds its tag and length prefix (at most 6 bytes) to its own size.
      int size = results.get(i).getSerializedSize() + 6;
      if (i > from && bytes + size > maxBytes) {
        parts.add(results.subList(from, i));
        from = i;
        bytes = ENVELOPE_BYTES;
      }
      bytes += size;
    }
    if (from < results.size()) {
      parts.add(results.subList(from, results.size()));
    }
    return parts;
  }

  /** Characters of a result's error message or stack kept; the rest is cut. */
  public static final int MAX_ERROR_CHARS = 16 * 1024;

  /**
   * Bounds what a worker reports: an output larger than the payload limit becomes FAILED {@code
   * ResultTooLarge} (only that task fails, and its result still fits every message and the store),
   * and overlong error texts are cut. Returns the same list when nothing needed changing (the usual
   * case: no copy on the hot path).
   */
  static List<TaskResult> capResults(List<TaskResult> results, int maxOutputBytes) {
    List<TaskResult> capped = null;
    for (int i = 0; i < results.size(); i++) {
      TaskResult r = results.get(i);
      TaskResult c = capResult(r, maxOutputBytes);
      if (c != r && capped == null) {
        capped = new ArrayList<>(results.subList(0, i));
      }
      if (capped != null) {
        capped.add(c);
      }
    }
    return capped == null ? results : capped;
  }

  private static TaskResult capResult(TaskResult r, int maxOutputBytes) {
    int outputBytes = r.getOutput().getData().size();
    boolean longError =
        r.getError().getMessage().length() > MAX_ERROR_CHARS
            || r.getError().getStack().length() > MAX_ERROR_CHARS;
    if (outputBytes <= maxOutputBytes && !longError) {
      return r;
    }
    TaskResult.Builder b = r.toBuilder();
    if (outputBytes > maxOutputBytes) {
      b.clearOutput()
          .setOutcome(Outcome.FAILED)
          .setError(
              TaskError.newBuilder()
                  .setType("ResultTooLarge")
                  .setMessage(
                      "the handler's output is "
                          + outputBytes
                          + " bytes, more than the limit of "
                          + maxOutputBytes
                          + " bytes (coordinator option maxPayloadBytes)")
                  .setRetryable(false));
    } else {
      b.getErrorBuilder()
          .setMessage(cut(r.getError().getMessage()))
          .setStack(cut(r.getError().getStack()));
    }
    return b.build();
  }

  private static String cut(String s) {
    return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS) + " [cut]";
  }

  /** INVALID_ARGUMENT naming the limit when a request carries too many ids, or null. */
  static @Nullable Status tooManyIds(String request, int count, int max) {
    if (count <= max) {
      return null;
    }
    return Status.INVALID_ARGUMENT.withDescription(
        request
            + " names "
            + count
            + " task ids, more than the limit of "
            + max
            + " per request (coordinator option maxIdsPerRequest): send them in parts");
  }
}

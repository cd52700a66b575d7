package io.taskgrid.coordinator.internal.rpc;

import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.ProgressUpdates;
import io.taskgrid.proto.v1.ServerMessage;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.WatchResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Coalescing rules for outbound messages: batches of the same kind merge into one. */
final class Messages {
  /** Above this many items a message is not grown further (keeps messages well under limits). */
  static final int MAX_ITEMS_PER_MESSAGE = 10_000;

  private Messages() {}

  static @Nullable ServerMessage merge(@Nullable ServerMessage a, @Nullable ServerMessage b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.hasCompletions()
        && b.hasCompletions()
        && a.getCompletions().getResultsCount() < MAX_ITEMS_PER_MESSAGE) {
      return a.toBuilder()
          .setCompletions(
              a.getCompletions().toBuilder().addAllResults(b.getCompletions().getResultsList()))
          .build();
    }
    if (a.hasProgress() && b.hasProgress()) {
      return a.toBuilder().setProgress(latestPerTask(a.getProgress(), b.getProgress())).build();
    }
    return null;
  }

  /** Queued progress for a slow reader: only each task's latest report is kept. */
  private static ProgressUpdates latestPerTask(ProgressUpdates older, ProgressUpdates newer) {
    Map<String, TaskProgress> latest = new LinkedHashMap<>();
    older.getUpdatesList().forEach(p -> latest.put(p.getTaskId(), p));
    newer.getUpdatesList().forEach(p -> latest.put(p.getTaskId(), p));
    return ProgressUpdates.newBuilder().addAllUpdates(latest.values()).build();
  }

  static @Nullable CoordinatorMessage merge(
      @Nullable CoordinatorMessage a, @Nullable CoordinatorMessage b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.hasAssignments()
        && b.hasAssignments()
        && a.getAssignments().getTasksCount() < MAX_ITEMS_PER_MESSAGE) {
      return a.toBuilder()
          .setAssignments(
              a.getAssignments().toBuilder().addAllTasks(b.getAssignments().getTasksList()))
          .build();
    }
    return null;
  }

  static @Nullable WatchResponse merge(@Nullable WatchResponse a, @Nullable WatchResponse b) {
    if (a == null || b == null || a.getResultsCount() >= MAX_ITEMS_PER_MESSAGE) {
      return null;
    }
    return a.toBuilder().addAllResults(b.getResultsList()).build();
  }
}

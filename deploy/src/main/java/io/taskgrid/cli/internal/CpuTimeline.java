package io.taskgrid.cli.internal;

import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskResultInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Where the wall time of a CPU job went, from each task's {@code startedAt}/{@code finishedAt} (the
 * worker's clock: a task starts when its child is sent it, and finishes when the child's result is
 * read) and the client's own start and end of the job (wall clock). Tasks are laid on lanes, one
 * per child, in start order: a child runs one task at a time, so a task goes on the lane whose last
 * task finished before it started.
 *
 * @param lead from the client's submit to the first task starting on a child, ms
 * @param tail from the last task finishing on the worker to the client holding every result, ms
 * @param runMillis the tasks' run times summed (on the children), ms
 * @param meanRunMillis the mean run time of one task on a child, ms
 * @param maxGapMillis the longest wait of a child between two of its tasks, ms
 * @param gapMillis the children's waits between their tasks summed, ms
 * @param lanes how many children the tasks ran on
 * @param wallMillis the client's wall time for the job, ms
 */
record CpuTimeline(
    double lead,
    double tail,
    double runMillis,
    double meanRunMillis,
    double maxGapMillis,
    double gapMillis,
    int lanes,
    double wallMillis) {

  /**
   * The timeline of a finished job; {@code startEpochMillis}/{@code endEpochMillis}: the client's
   * wall clock when it submitted the job and when it held every result. Null when a result carries
   * no start or finish time.
   */
  static @org.jspecify.annotations.Nullable CpuTimeline of(
      List<? extends TaskFuture<?>> futures, long startEpochMillis, long endEpochMillis) {
    List<long[]> spans = new ArrayList<>();
    for (TaskFuture<?> f : futures) {
      TaskResultInfo info = f.resultInfo().orElse(null);
      if (info == null || info.startedAt().isEmpty() || info.finishedAt().isEmpty()) {
        return null;
      }
      spans.add(
          new long[] {
            info.startedAt().get().toEpochMilli(), info.finishedAt().get().toEpochMilli()
          });
    }
    return spans.isEmpty() ? null : ofSpans(spans, startEpochMillis, endEpochMillis);
  }

  /**
   * The timeline of tasks that ran over {@code spans} (each {start, finish}, epoch ms), submitted
   * at {@code startEpochMillis} and all held by the client at {@code endEpochMillis}.
   */
  static CpuTimeline ofSpans(List<long[]> spans, long startEpochMillis, long endEpochMillis) {
    spans = new ArrayList<>(spans);
    spans.sort(Comparator.comparingLong(s -> s[0]));
    List<Long> laneEnds = new ArrayList<>();
    double run = 0;
    double gaps = 0;
    double maxGap = 0;
    long firstStart = spans.get(0)[0];
    long lastFinish = Long.MIN_VALUE;
    for (long[] s : spans) {
      run += s[1] - s[0];
      lastFinish = Math.max(lastFinish, s[1]);
      // The lane that became free last before this start (its child was waiting the least).
      int lane = -1;
      for (int i = 0; i < laneEnds.size(); i++) {
        if (laneEnds.get(i) <= s[0] && (lane < 0 || laneEnds.get(i) > laneEnds.get(lane))) {
          lane = i;
        }
      }
      if (lane < 0) {
        laneEnds.add(s[1]);
      } else {
        long gap = s[0] - laneEnds.get(lane);
        gaps += gap;
        maxGap = Math.max(maxGap, gap);
        laneEnds.set(lane, s[1]);
      }
    }
    return new CpuTimeline(
        firstStart - startEpochMillis,
        endEpochMillis - lastFinish,
        run,
        run / spans.size(),
        maxGap,
        gaps,
        laneEnds.size(),
        endEpochMillis - startEpochMillis);
  }

  /** The children's busy share of the job's wall time, over {@code children} children. */
  double busy(int children) {
    return runMillis / (children * wallMillis);
  }

  /** One line for a report. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "timeline: first task started %.0f ms after submit, each ran %.1f ms on its child,"
            + " children idle between tasks %.0f ms in all (longest %.0f ms), last result"
            + " reached the client %.0f ms after it finished; %d children",
        lead,
        meanRunMillis,
        gapMillis,
        maxGapMillis,
        tail,
        lanes);
  }
}

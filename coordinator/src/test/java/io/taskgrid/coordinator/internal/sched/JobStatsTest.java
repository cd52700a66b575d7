package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.Outcome;
import org.junit.jupiter.api.Test;

class JobStatsTest {
  @Test
  void accepted_moreTasksThanTheIdBound_keepsTheLatestIds() {
    JobStats stats = new JobStats(3, 10);

    for (int i = 0; i < 5; i++) {
      stats.accepted("job", "t" + i);
    }

    assertThat(stats.taskIds("job")).containsExactly("t2", "t3", "t4");
    assertThat(stats.taskIdCount("job")).isEqualTo(3);
    assertThat(stats.counts("job").getSubmitted()).isEqualTo(5);
  }

  @Test
  void completed_moreFinishedJobsThanTheBound_forgetsTheOldestFinished() {
    JobStats stats = new JobStats(100, 2);
    stats.accepted("running", "r0");
    for (int j = 0; j < 5; j++) {
      stats.accepted("job" + j, "t" + j);
      stats.completed("job" + j, Outcome.SUCCEEDED, false);
    }

    assertThat(stats.jobCount()).isEqualTo(3);
    assertThat(stats.known("running")).isTrue();
    assertThat(stats.known("job3")).isTrue();
    assertThat(stats.known("job4")).isTrue();
    assertThat(stats.known("job0")).isFalse();
    assertThat(stats.taskIds("job0")).isEmpty();
  }

  @Test
  void completed_jobThatGotNewTasksAfterFinishing_notForgottenByItsStaleFinish() {
    JobStats stats = new JobStats(100, 1);
    stats.accepted("again", "a0");
    stats.completed("again", Outcome.SUCCEEDED, false);
    stats.accepted("again", "a1"); // live again: its queued finish no longer stands

    stats.accepted("other", "o0");
    stats.completed("other", Outcome.SUCCEEDED, false); // pushes "again"'s finish out

    assertThat(stats.known("again")).isTrue();
    assertThat(stats.live("again")).isEqualTo(1);
    assertThat(stats.counts("again").getSubmitted()).isEqualTo(2);
  }
}

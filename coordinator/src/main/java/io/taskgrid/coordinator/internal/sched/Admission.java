package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskResult;
import java.util.List;

/**
 * The outcome of storing one submit batch. The caller subscribes to {@link #watchIds()}, sends the
 * acks, and then calls {@link #schedule()}: subscribing first means no completion can be missed,
 * and scheduling last means no completion can overtake its ack.
 */
public final class Admission {
  private final List<SubmitAck> acks;
  private final List<String> watchIds;
  private final List<String> liveDuplicates;
  private final List<TaskResult> alreadyDone;
  private final Runnable schedule;

  Admission(
      List<SubmitAck> acks,
      List<String> watchIds,
      List<String> liveDuplicates,
      List<TaskResult> alreadyDone,
      Runnable schedule) {
    this.acks = List.copyOf(acks);
    this.watchIds = List.copyOf(watchIds);
    this.liveDuplicates = List.copyOf(liveDuplicates);
    this.alreadyDone = List.copyOf(alreadyDone);
    this.schedule = schedule;
  }

  /** An admission that stored nothing: every spec was rejected before the store. */
  static Admission rejectedAll(List<SubmitAck> acks) {
    return new Admission(acks, List.of(), List.of(), List.of(), () -> {});
  }

  /** One ack per submitted spec, in order. */
  public List<SubmitAck> acks() {
    return acks;
  }

  /** Accepted and duplicate ids that have not ended: their completions will follow. */
  public List<String> watchIds() {
    return watchIds;
  }

  /**
   * Duplicates (a subset of {@link #watchIds()}) that were live when the store was read. Another
   * coordinator may end one before the caller subscribes, so after subscribing the caller must read
   * them again, or it could wait forever for a completion that was already published.
   */
  public List<String> liveDuplicates() {
    return liveDuplicates;
  }

  /** Results of duplicates that had already ended. */
  public List<TaskResult> alreadyDone() {
    return alreadyDone;
  }

  /** Hands the accepted tasks to the scheduler. Call exactly once. */
  public void schedule() {
    schedule.run();
  }
}

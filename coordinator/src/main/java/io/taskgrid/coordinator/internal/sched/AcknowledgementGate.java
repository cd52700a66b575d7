package io.taskgrid.coordinator.internal.sched;

/**
 * Whether results stored here may be told to their watchers now (a coordinator's answer is
 * ClusterQuorum#acknowledgement). Called on the threads that publish results; must be cheap.
 */
@FunctionalInterface
public interface AcknowledgementGate {
  /** What to do with results stored now. */
  enum Verdict {
    /** Tell the watchers. */
    ACKNOWLEDGE,
    /**
     * Keep them, and ask again on the next {@link CompletionHub#releaseHeld()}: the cluster has
     * just changed, or this side has not heard from a majority lately, and whether it holds the
     * outcomes that stand is settled in a moment (by an acknowledgement, or by a fence that drops
     * them).
     */
    HOLD,
    /**
     * Do not tell them, and forget those kept: this coordinator is fenced, its watchers' streams
     * are ended, and their clients read the outcomes that stand from another coordinator.
     */
    REFUSE
  }

  /** Acknowledges everything (a coordinator alone, and tests). */
  AcknowledgementGate ALWAYS = () -> Verdict.ACKNOWLEDGE;

  Verdict verdict();
}

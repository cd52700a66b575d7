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
     * just changed, and whether this side holds the outcome that stands is settled in a moment.
     */
    HOLD,
    /**
     * Do not tell them: the other side may not hold these outcomes. The fence that follows ends the
     * watchers' streams, and their clients read the outcome that stands elsewhere.
     */
    REFUSE
  }

  /** Acknowledges everything (a coordinator alone, and tests). */
  AcknowledgementGate ALWAYS = () -> Verdict.ACKNOWLEDGE;

  Verdict verdict();
}

package io.taskgrid.coordinator.internal.sched;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timer of a coordinator's store-write retries (task creation, results, permits): while the
 * coordinator is fenced, a retry that falls due is parked instead of run, and {@link #unfence()}
 * runs what was parked.
 *
 * <p>A fenced coordinator must not write: it is in a minority, or resumed from a pause the others
 * took for a death, and the tasks it was writing belong to the majority now. Its retries went on
 * regardless, and once it had merged back into the cluster (before it closed and started afresh,
 * about 3 s later) they wrote into the whole cluster's store: a paused coordinator's repeated
 * creation of 100 tasks, whose sessions the fence had ended and which the majority had run and
 * ended since, left live records beside their DONE ones, so the store no longer answered the
 * outcome the client had been given (PausedCoordinatorIT, once). A coordinator that rejoins is
 * never unfenced: its parked retries go with it. Thread-safe.
 */
public final class FenceableRetries implements RetryTimer {
  private final RetryTimer timer;

  @GuardedBy("this")
  private boolean fenced;

  @GuardedBy("this")
  private List<Runnable> parked = new ArrayList<>();

  public FenceableRetries(RetryTimer timer) {
    this.timer = timer;
  }

  @Override
  public void after(Duration delay, Runnable task) {
    timer.after(delay, () -> runUnlessFenced(task));
  }

  private void runUnlessFenced(Runnable task) {
    synchronized (this) {
      if (fenced) {
        parked.add(task);
        return;
      }
    }
    task.run();
  }

  /** Parks every retry that falls due from now on. */
  public synchronized void fence() {
    fenced = true;
  }

  /** Runs the retries that were parked, and those that fall due from now on, again. */
  public void unfence() {
    List<Runnable> due;
    synchronized (this) {
      fenced = false;
      due = parked;
      parked = new ArrayList<>();
    }
    due.forEach(task -> timer.after(Duration.ZERO, task));
  }

  /** Retries parked now (for tests). */
  synchronized int parked() {
    return parked.size();
  }
}

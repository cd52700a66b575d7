package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

/**
 * How far a running task is, as its handler reported it ({@code TaskContext.reportProgress}).
 * Progress is best effort: the worker and the coordinator keep only each task's latest report and
 * send at a bounded rate, so a listener may not see every report (reports arriving within one
 * coalescing interval of each other may even be seen out of order); the last one before the task
 * ends may be skipped too, since the outcome says the rest.
 *
 * @param fraction how far along, 0..1; {@link Double#NaN} when the handler gave only a message
 * @param message a short note from the handler (may be empty)
 * @param attempt the attempt (1-based) that reported it; a retry starts again from its own start
 */
public record Progress(double fraction, String message, int attempt) {
  /** Validates. */
  public Progress {
    requireNonNull(message, "message");
  }

  /** Whether the handler gave a fraction (and not only a message). */
  public boolean hasFraction() {
    return !Double.isNaN(fraction);
  }
}

package io.taskgrid.cli.internal;

import io.taskgrid.client.WorkerInfo;
import java.util.List;
import java.util.Optional;

/**
 * What {@code taskgrid status} says about a queued task's wait: whether any connected worker offers
 * its type. The coordinator accepts tasks of a type it has seen recently even while no worker
 * offers it (they wait), so "queued" alone does not tell an operator that nothing can run them.
 */
final class WaitingNote {
  private WaitingNote() {}

  /** The note for a queued task of {@code type}, given the workers connected now. */
  static Optional<String> forQueued(String type, List<WorkerInfo> workers) {
    if (workers.isEmpty()) {
      return Optional.of("no worker is connected; the task runs when one offering its type does");
    }
    for (WorkerInfo w : workers) {
      for (WorkerInfo.PoolInfo p : w.pools()) {
        if (p.handlers().contains(type)) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(
        "no connected worker offers type '"
            + Terminal.safe(type)
            + "'; the task runs when one that does connects");
  }
}

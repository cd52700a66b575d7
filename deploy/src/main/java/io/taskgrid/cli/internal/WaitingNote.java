package io.taskgrid.cli.internal;

import io.taskgrid.client.WorkerInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

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
    if (offered(workers).contains(type)) {
      return Optional.empty();
    }
    return Optional.of(
        "no connected worker offers type '"
            + Terminal.safe(type)
            + "'; the task runs when one that does connects");
  }

  /**
   * The notes for a job's queued tasks ({@code queuedByType}: how many of them are queued, by
   * type), one per type that no connected worker offers (the coordinator remembers a type for a
   * while after its last worker left, and accepts its tasks meanwhile); none when every type is
   * offered. {@code partial}: only some of the job's queued tasks were counted, so the counts are a
   * floor.
   */
  static List<String> forJob(
      Map<String, Long> queuedByType, List<WorkerInfo> workers, boolean partial) {
    String atLeast = partial ? "at least " : "";
    if (workers.isEmpty() && !queuedByType.isEmpty()) {
      long n = queuedByType.values().stream().mapToLong(Long::longValue).sum();
      return List.of(
          String.format(
              Locale.ROOT,
              "%s%d queued task(s): no worker is connected; they run when one offering their"
                  + " type connects",
              atLeast,
              n));
    }
    Set<String> offered = offered(workers);
    List<String> notes = new ArrayList<>();
    new TreeMap<>(queuedByType)
        .forEach(
            (type, n) -> {
              if (!offered.contains(type)) {
                notes.add(
                    String.format(
                        Locale.ROOT,
                        "%s%d queued task(s) of type '%s': no connected worker offers it; they"
                            + " run when one that does connects",
                        atLeast,
                        n,
                        Terminal.safe(type)));
              }
            });
    return notes;
  }

  /** The types the connected workers offer, in any pool. */
  private static Set<String> offered(List<WorkerInfo> workers) {
    Set<String> types = new HashSet<>();
    for (WorkerInfo w : workers) {
      for (WorkerInfo.PoolInfo p : w.pools()) {
        types.addAll(p.handlers());
      }
    }
    return types;
  }
}

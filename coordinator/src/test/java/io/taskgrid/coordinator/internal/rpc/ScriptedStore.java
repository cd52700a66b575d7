package io.taskgrid.coordinator.internal.rpc;

import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.coordinator.internal.testing.ForwardingTaskStore;
import io.taskgrid.proto.v1.TaskInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with faults a test switches on: reads that fail (as Hazelcast's do while a departed
 * member's partitions migrate) and creates whose answers are held back (a slow store, during which
 * another coordinator can end the task).
 */
final class ScriptedStore extends ForwardingTaskStore {
  private final AtomicInteger failingReads = new AtomicInteger();
  private volatile CompletableFuture<Void> createGate = CompletableFuture.completedFuture(null);

  ScriptedStore(TaskStore delegate) {
    super(delegate);
  }

  /** The next {@code n} getAll calls fail. */
  void failNextReads(int n) {
    failingReads.set(n);
  }

  int failingReadsLeft() {
    return failingReads.get();
  }

  /**
   * Until {@code gate} completes, createAll answers are held back (the writes themselves happen).
   */
  void holdCreates(CompletableFuture<Void> gate) {
    createGate = gate;
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    CompletableFuture<Void> gate = createGate;
    return delegate.createAll(records).thenCombine(gate, (existing, open) -> existing);
  }

  @Override
  public CompletionStage<Map<String, TaskInfo>> getAll(Collection<String> taskIds) {
    if (failingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("scripted: partition migrating"));
    }
    return delegate.getAll(taskIds);
  }
}

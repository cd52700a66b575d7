package io.taskgrid.coordinator.internal.testing;

import io.taskgrid.coordinator.internal.store.Retained;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A real store behind every call: test stores that script faults override only the calls they
 * fault.
 */
public abstract class ForwardingTaskStore implements TaskStore {
  protected final TaskStore delegate;

  protected ForwardingTaskStore(TaskStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    return delegate.createAll(records);
  }

  @Override
  public CompletionStage<Optional<TaskInfo>> get(String taskId) {
    return delegate.get(taskId);
  }

  @Override
  public CompletionStage<Map<String, TaskInfo>> getAll(Collection<String> taskIds) {
    return delegate.getAll(taskIds);
  }

  @Override
  public CompletionStage<Void> updateAll(Collection<TaskInfo> records) {
    return delegate.updateAll(records);
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records) {
    return delegate.completeFirst(records);
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports) {
    return delegate.completeLeases(reports);
  }

  @Override
  public CompletionStage<List<TaskInfo>> claimOrphans(Set<String> liveOwners, String newOwner) {
    return delegate.claimOrphans(liveOwners, newOwner);
  }

  @Override
  public Retained retained() {
    return delegate.retained();
  }

  @Override
  public Map<String, Long> partitionOperations() {
    return delegate.partitionOperations();
  }

  @Override
  public CompletionStage<List<TaskInfo>> jobRecords(String jobId) {
    return delegate.jobRecords(jobId);
  }

  @Override
  public CompletionStage<List<String>> ownedLiveIds(String owner) {
    return delegate.ownedLiveIds(owner);
  }

  @Override
  public void close() {
    delegate.close();
  }
}

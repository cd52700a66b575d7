package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.PoolDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A worker stream that records what the scheduler sends it. */
final class FakeLink implements WorkerLink {
  final List<List<Assignment>> batches = new CopyOnWriteArrayList<>();
  final List<CancelTasks> cancels = new CopyOnWriteArrayList<>();

  @Override
  public void sendAssignments(List<Assignment> assignments) {
    batches.add(assignments);
  }

  @Override
  public void sendCancels(CancelTasks c) {
    cancels.add(c);
  }

  volatile boolean drained;

  @Override
  public void sendDrain() {
    drained = true;
  }

  final List<List<String>> reconciles = new CopyOnWriteArrayList<>();

  @Override
  public void sendReconcile(List<String> taskIds) {
    reconciles.add(List.copyOf(taskIds));
  }

  final List<PoolDemand> demands = new CopyOnWriteArrayList<>();

  @Override
  public void sendDemand(PoolDemand demand) {
    demands.add(demand);
  }

  List<Assignment> assigned() {
    List<Assignment> all = new ArrayList<>();
    batches.forEach(all::addAll);
    return all;
  }

  List<String> assignedIds() {
    return assigned().stream().map(a -> a.getSpec().getId()).toList();
  }
}

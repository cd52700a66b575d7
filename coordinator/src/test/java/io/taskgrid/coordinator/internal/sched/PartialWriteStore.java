package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.coordinator.internal.testing.ForwardingTaskStore;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A real store whose batch creates a test makes fail half-way, as a Hazelcast batch does when a
 * member leaves or the split-brain protection closes during it: the first records are written, the
 * call fails all the same. Result writes and orphan claims can be made to fail too.
 */
public final class PartialWriteStore extends ForwardingTaskStore {
  private final AtomicInteger failingCreates = new AtomicInteger();
  private volatile int writtenBeforeFailing;
  private final AtomicInteger failingCompletes = new AtomicInteger();
  private final AtomicInteger failingForwarded = new AtomicInteger();
  private final AtomicInteger failingClaims = new AtomicInteger();

  public PartialWriteStore(TaskStore delegate) {
    super(delegate);
  }

  /** The next {@code n} createAll calls write their first {@code written} records, then fail. */
  void failNextCreates(int n, int written) {
    writtenBeforeFailing = written;
    failingCreates.set(n);
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    if (failingCreates.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
      return delegate.createAll(records);
    }
    List<TaskInfo> written = records.subList(0, Math.min(records.size(), writtenBeforeFailing));
    return delegate
        .createAll(written)
        .thenCompose(
            ignored ->
                CompletableFuture.failedFuture(
                    new IllegalStateException("scripted: split-brain protection closed")));
  }

  /** The next {@code n} completeFirst calls fail without writing. */
  void failNextCompletes(int n) {
    failingCompletes.set(n);
  }

  /** The next {@code n} claimOrphans calls claim what they find, then fail all the same. */
  public void failNextClaimsAfterClaiming(int n) {
    failingClaims.set(n);
  }

  /** The next {@code n} completeLeases calls fail without writing. */
  void failNextForwarded(int n) {
    failingForwarded.set(n);
  }

  /**
   * The next {@link #completing} call's outcomes stand at once, but its whole write (the live
   * records' removal) waits for {@code removal}, and fails if that does.
   */
  void holdNextRemoval(CompletableFuture<Void> removal) {
    heldRemoval = removal;
  }

  private volatile @Nullable CompletableFuture<Void> heldRemoval;

  @Override
  public Completing completing(List<TaskInfo> records) {
    CompletableFuture<Void> removal = heldRemoval;
    if (removal == null) {
      return super.completing(records);
    }
    heldRemoval = null;
    CompletionStage<List<TaskInfo>> standing = completeFirst(records);
    return new Completing(standing, standing.thenCombine(removal, (stands, removed) -> stands));
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records) {
    if (failingCompletes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("scripted: partition owner refused the write"));
    }
    return delegate.completeFirst(records);
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports) {
    if (failingForwarded.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("scripted: partition owner refused the write"));
    }
    return delegate.completeLeases(reports);
  }

  @Override
  public CompletionStage<List<TaskInfo>> claimOrphans(Set<String> liveOwners, String newOwner) {
    if (failingClaims.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return delegate
          .claimOrphans(liveOwners, newOwner)
          .thenCompose(
              ignored ->
                  CompletableFuture.failedFuture(
                      new IllegalStateException("scripted: a partition refused the claim")));
    }
    return delegate.claimOrphans(liveOwners, newOwner);
  }
}

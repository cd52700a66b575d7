package io.taskgrid.coordinator.internal.store;

import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Where task records live. Every method is asynchronous: it never blocks the caller and its stage
 * completes on the store's own executor, never on a gRPC thread. Implementations are thread-safe.
 * Records are keyed by {@code spec.id}.
 */
public interface TaskStore extends AutoCloseable {

  /**
   * Stores each record unless a record with its id already exists (atomically per id). The result
   * has one element per input, in order: empty when this call stored it, otherwise the record that
   * was already there.
   */
  CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records);

  /**
   * The record of one task, if known and not expired. A finished record goes when it is older than
   * the retention TTL or when the retention budget needs room (oldest first); a live record never
   * goes.
   */
  CompletionStage<Optional<TaskInfo>> get(String taskId);

  /** The known records among {@code taskIds}. */
  CompletionStage<Map<String, TaskInfo>> getAll(Collection<String> taskIds);

  /**
   * Writes live (QUEUED/RUNNING) records; they do not expire. A write never regresses a record: it
   * is skipped when the stored record is DONE or has a later attempt, so writes that race (issued
   * from different threads, or reordered in flight) cannot undo a completion; nor does it create
   * one: a record that is not there (never created, or ended) is left alone.
   */
  CompletionStage<Void> updateAll(Collection<TaskInfo> records);

  /**
   * Writes terminal (DONE) records; each is kept within the store's {@link Retention}. The first
   * terminal record of a task wins: a record that is DONE already is left as it is.
   */
  default CompletionStage<Void> completeAll(Collection<TaskInfo> records) {
    return completeFirst(List.copyOf(records)).thenApply(stored -> null);
  }

  /**
   * Writes terminal (DONE) records unless the stored one is DONE already (atomically per id), so
   * that every task has exactly one terminal outcome. The result has one element per input, in
   * order: the DONE record that stands, the input if this call won, else the earlier one.
   */
  CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records);

  /**
   * {@link #completeFirst}, with the moment the outcomes stand told apart from the moment the write
   * is whole: {@link Completing#standing()} completes with the DONE records that stand as soon as
   * they do (from then on {@link #get} and {@link #getAll} answer them; {@link #createAll} may
   * answer a live record until the whole write is done, which its callers read again as any live
   * duplicate), {@link Completing#whole()} when the live records are gone too (what {@link
   * #completeFirst} waits for). A store whose two moments are one needs no more than this default.
   */
  default Completing completing(List<TaskInfo> records) {
    CompletionStage<List<TaskInfo>> whole = completeFirst(records);
    return new Completing(whole, whole);
  }

  /**
   * The two moments of {@link #completing}: {@code standing} never completes after {@code whole},
   * and completes exceptionally only when {@code whole} fails before the outcomes stood.
   */
  record Completing(
      CompletionStage<List<TaskInfo>> standing, CompletionStage<List<TaskInfo>> whole) {}

  /**
   * Ends tasks from worker reports that reached a coordinator which does not schedule them: a
   * record becomes DONE only while it still shows the reported lease (RUNNING, same attempt, same
   * worker). Returns, for each report whose lease the record still showed, in input order, the DONE
   * record that stands: the one this call wrote, or one stored before it whose writer died before
   * it removed the live record (and, maybe, before it told anyone). Stale reports are dropped.
   */
  CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports);

  /**
   * Claims the live (not DONE) records whose owner is not in {@code liveOwners}, writing {@code
   * newOwner} into them atomically per id, and returns the claimed records.
   */
  CompletionStage<List<TaskInfo>> claimOrphans(Set<String> liveOwners, String newOwner);

  /**
   * The ids of the live (not DONE) records that name {@code owner}. A scan of the whole store: for
   * the audit that looks for a task its owner holds in the store but does not schedule (see
   * TaskAdoption), never for a hot path.
   */
  CompletionStage<List<String>> ownedLiveIds(String owner);

  /**
   * The finished records this coordinator holds now, to compare with its {@link Retention} budget.
   * Cheap enough for every metrics scrape, not for the request path.
   */
  Retained retained();

  /**
   * The partition operations this store has issued since it started, per map it writes (for {@code
   * taskgrid_store_partition_operations_total}); empty for a store without partitions. Cheap enough
   * for every metrics scrape.
   */
  default Map<String, Long> partitionOperations() {
    return Map.of();
  }

  /**
   * The records of one job, whichever coordinator accepted them (DONE ones until they expire). A
   * scan of the whole store: for status queries about a job this coordinator did not accept, never
   * for a hot path.
   */
  CompletionStage<List<TaskInfo>> jobRecords(String jobId);

  /** Releases what the store itself created (never a Hazelcast instance it was given). */
  @Override
  void close();
}

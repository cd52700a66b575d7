package io.taskgrid.coordinator.internal.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A {@link TaskStore} on a Hazelcast {@code IMap<String, byte[]>} (protobuf bytes). Every call is
 * issued from the store executor and pipelined with Hazelcast's async API; continuations run on
 * that executor too, so neither gRPC threads nor Hazelcast's partition threads run our code.
 * Terminal records are written with a per-entry TTL. The given instance is not closed here.
 */
public final class HazelcastTaskStore implements TaskStore {
  /** The map holding task records. */
  public static final String TASKS_MAP = "taskgrid-tasks";

  private final IMap<String, byte[]> tasks;
  private final long ttlMillis;
  private final Executor executor;

  public HazelcastTaskStore(HazelcastInstance hazelcast, Duration resultTtl, Executor executor) {
    this.tasks = hazelcast.getMap(TASKS_MAP);
    this.ttlMillis = resultTtl.toMillis();
    this.executor = executor;
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    return issue(
        () -> {
          List<CompletableFuture<byte[]>> calls = new ArrayList<>(records.size());
          for (TaskInfo r : records) {
            calls.add(
                tasks
                    .submitToKey(
                        r.getSpec().getId(), new PutIfAbsentProcessor(TaskRecords.encode(r)))
                    .toCompletableFuture());
          }
          return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
              .thenApplyAsync(
                  ignored -> {
                    List<Optional<TaskInfo>> out = new ArrayList<>(calls.size());
                    for (CompletableFuture<byte[]> c : calls) {
                      byte[] existing = c.join();
                      out.add(
                          existing == null
                              ? Optional.empty()
                              : Optional.of(TaskRecords.decode(existing)));
                    }
                    return out;
                  },
                  executor);
        });
  }

  @Override
  public CompletionStage<Optional<TaskInfo>> get(String taskId) {
    return issue(
        () ->
            tasks
                .getAsync(taskId)
                .thenApplyAsync(
                    bytes -> Optional.ofNullable(bytes).map(TaskRecords::decode), executor));
  }

  @Override
  public CompletionStage<Map<String, TaskInfo>> getAll(Collection<String> taskIds) {
    List<String> ids = List.copyOf(taskIds);
    return issue(
        () -> {
          List<CompletableFuture<byte[]>> calls = new ArrayList<>(ids.size());
          for (String id : ids) {
            calls.add(tasks.getAsync(id).toCompletableFuture());
          }
          return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
              .thenApplyAsync(
                  ignored -> {
                    Map<String, TaskInfo> out = new HashMap<>();
                    for (int i = 0; i < ids.size(); i++) {
                      byte[] bytes = calls.get(i).join();
                      if (bytes != null) {
                        out.put(ids.get(i), TaskRecords.decode(bytes));
                      }
                    }
                    return out;
                  },
                  executor);
        });
  }

  @Override
  public CompletionStage<Void> updateAll(Collection<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    return issue(
        () -> {
          // A conditional write per record (pipelined), not putAll: a RUNNING write that lands
          // after the DONE write must not undo the completion.
          List<CompletableFuture<Boolean>> calls = new ArrayList<>(copy.size());
          for (TaskInfo r : copy) {
            calls.add(
                tasks
                    .submitToKey(
                        r.getSpec().getId(), new UpdateLiveProcessor(TaskRecords.encode(r)))
                    .toCompletableFuture());
          }
          return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
              .thenApplyAsync(v -> null, executor);
        });
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    return issue(
        () -> {
          // A conditional write per record (pipelined): the first terminal outcome wins.
          List<CompletableFuture<byte[]>> calls = new ArrayList<>(copy.size());
          for (TaskInfo r : copy) {
            calls.add(
                tasks
                    .submitToKey(
                        r.getSpec().getId(),
                        new CompleteFirstProcessor(TaskRecords.encode(r), ttlMillis))
                    .toCompletableFuture());
          }
          return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
              .thenApplyAsync(
                  v -> {
                    List<TaskInfo> out = new ArrayList<>(calls.size());
                    for (CompletableFuture<byte[]> c : calls) {
                      out.add(TaskRecords.decode(c.join()));
                    }
                    return out;
                  },
                  executor);
        });
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports) {
    List<TaskResult> copy = List.copyOf(reports);
    return issue(
        () -> {
          List<CompletableFuture<byte[]>> calls = new ArrayList<>(copy.size());
          for (TaskResult r : copy) {
            calls.add(
                tasks
                    .submitToKey(r.getTaskId(), new CompleteLeaseProcessor(r, ttlMillis))
                    .toCompletableFuture());
          }
          return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
              .thenApplyAsync(v -> decodeNonNull(calls), executor);
        });
  }

  @Override
  public CompletionStage<List<TaskInfo>> claimOrphans(Set<String> liveOwners, String newOwner) {
    // A scan of every partition: rare (a coordinator left), so it may block a store thread.
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, byte[]> claimed =
              tasks.executeOnEntries(new ClaimOrphansProcessor(liveOwners, newOwner));
          List<TaskInfo> out = new ArrayList<>(claimed.size());
          for (byte[] bytes : claimed.values()) {
            if (bytes != null) {
              out.add(TaskRecords.decode(bytes));
            }
          }
          return out;
        },
        executor);
  }

  private static List<TaskInfo> decodeNonNull(List<CompletableFuture<byte[]>> calls) {
    List<TaskInfo> out = new ArrayList<>();
    for (CompletableFuture<byte[]> c : calls) {
      byte[] bytes = c.join();
      if (bytes != null) {
        out.add(TaskRecords.decode(bytes));
      }
    }
    return out;
  }

  @Override
  public void close() {
    // The HazelcastInstance belongs to whoever created it.
  }

  /** Issues the Hazelcast calls from the store executor, never from the caller's thread. */
  private <T> CompletionStage<T> issue(java.util.function.Supplier<CompletionStage<T>> calls) {
    return CompletableFuture.supplyAsync(calls, executor).thenCompose(s -> s);
  }
}

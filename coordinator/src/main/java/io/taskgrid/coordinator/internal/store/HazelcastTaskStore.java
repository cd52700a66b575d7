package io.taskgrid.coordinator.internal.store;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.partition.IPartitionService;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapEntries;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.partition.PartitioningStrategy;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.operationservice.OperationService;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Kind;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TaskStore} on a Hazelcast {@code IMap<String, byte[]>} (protobuf bytes). Every call is
 * issued on the caller's thread with Hazelcast's async API (nothing blocks); continuations run on
 * the store executor, so Hazelcast's partition threads never run our code. Terminal records are
 * written with a per-entry TTL. The given instance is not closed here.
 *
 * <p>Batch writes cost one Hazelcast operation per partition a batch spans, not one per record (see
 * {@link #writeAll}): every invocation is registered, monitored, routed, answered and completed,
 * which is most of what a store write costs the coordinator.
 */
public final class HazelcastTaskStore implements TaskStore {
  /** The map holding task records. */
  public static final String TASKS_MAP = "taskgrid-tasks";

  /**
   * Bounds of one batched operation: it holds its partition thread while it runs (other writes to
   * that partition wait) and travels as one message to the partition owner and its backups.
   */
  static final int MAX_RECORDS_PER_OPERATION = 500;

  static final int MAX_BYTES_PER_OPERATION = 1 << 20;

  private final IMap<String, byte[]> tasks;
  private final long ttlMillis;
  private final Executor executor;
  private final SerializationService serialization;
  private final PartitioningStrategy<?> partitioning;
  private final IPartitionService partitions;
  private final OperationService operations;

  /**
   * Configures a member for this store: the task map keeps one synchronous backup, so an
   * acknowledged write survives the loss of any one member, and the batched writes can travel
   * between members. Every coordinator of a cluster must be configured alike. (Keeping the values
   * in OBJECT format and turning the map's statistics off made no difference measurable above the
   * noise of paired end-to-end runs, so the defaults stay.)
   */
  public static Config configure(Config config) {
    config.getMapConfig(TASKS_MAP).setBackupCount(1).setAsyncBackupCount(0);
    StoreSerialization.register(config);
    return config;
  }

  /**
   * {@code hazelcast}: a member (not a client) whose configuration went through {@link #configure}.
   */
  public HazelcastTaskStore(HazelcastInstance hazelcast, Duration resultTtl, Executor executor) {
    if (!StoreSerialization.isRegistered(hazelcast.getConfig())) {
      throw new IllegalArgumentException(
          "the member's configuration lacks HazelcastTaskStore.configure(config)");
    }
    this.tasks = hazelcast.getMap(TASKS_MAP);
    this.ttlMillis = resultTtl.toMillis();
    this.executor = executor;
    // Batched writes are invoked per partition through the member's own services (see
    // PartitionBatchOperation); keys are serialized as the map proxy does, so they land in the
    // same partitions as its single-key calls.
    MapProxyImpl<?, ?> proxy = (MapProxyImpl<?, ?>) tasks;
    NodeEngine engine = proxy.getNodeEngine();
    this.serialization = engine.getSerializationService();
    this.partitioning = proxy.getPartitionStrategy();
    this.partitions = engine.getPartitionService();
    this.operations = engine.getOperationService();
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    return issue(
        () ->
            writeRecords(Kind.PUT_IF_ABSENT, copy)
                .thenApply(
                    stored -> {
                      List<Optional<TaskInfo>> out = new ArrayList<>(stored.length);
                      for (byte[] existing : stored) {
                        out.add(
                            existing == null
                                ? Optional.empty()
                                : Optional.of(TaskRecords.decode(existing)));
                      }
                      return out;
                    }));
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
    // A conditional write per record, not putAll: a RUNNING write that lands after the DONE write
    // must not undo the completion.
    return issue(() -> writeRecords(Kind.UPDATE_LIVE, copy).thenApply(stored -> null));
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    // A conditional write per record: the first terminal outcome wins.
    return issue(
        () ->
            writeRecords(Kind.COMPLETE_FIRST, copy)
                .thenApply(
                    stands -> {
                      // Null: this record was written. Else the earlier DONE record stood.
                      List<TaskInfo> out = new ArrayList<>(stands.length);
                      for (int i = 0; i < stands.length; i++) {
                        byte[] bytes = stands[i];
                        out.add(bytes == null ? copy.get(i) : TaskRecords.decode(bytes));
                      }
                      return out;
                    }));
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports) {
    List<TaskResult> copy = List.copyOf(reports);
    return issue(
        () -> {
          List<String> ids = new ArrayList<>(copy.size());
          List<byte[]> inputs = new ArrayList<>(copy.size());
          for (TaskResult r : copy) {
            ids.add(r.getTaskId());
            inputs.add(r.toByteArray());
          }
          return writeAll(Kind.COMPLETE_LEASE, ids, inputs)
              .thenApply(
                  written -> {
                    List<TaskInfo> out = new ArrayList<>();
                    for (byte[] bytes : written) {
                      if (bytes != null) {
                        out.add(TaskRecords.decode(bytes));
                      }
                    }
                    return out;
                  });
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

  @Override
  public CompletionStage<List<TaskInfo>> jobRecords(String jobId) {
    // A scan of every partition (read-only): rare, so it may block a store thread.
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, byte[]> found = tasks.executeOnEntries(new JobRecordsProcessor(jobId));
          List<TaskInfo> out = new ArrayList<>(found.size());
          for (byte[] bytes : found.values()) {
            if (bytes != null) {
              out.add(TaskRecords.decode(bytes));
            }
          }
          return out;
        },
        executor);
  }

  /** {@link #writeAll} of records, keyed by their ids. */
  private CompletableFuture<byte @Nullable [][]> writeRecords(Kind kind, List<TaskInfo> records) {
    List<String> ids = new ArrayList<>(records.size());
    List<byte[]> inputs = new ArrayList<>(records.size());
    for (TaskInfo r : records) {
      ids.add(r.getSpec().getId());
      inputs.add(TaskRecords.encode(r));
    }
    return writeAll(kind, ids, inputs);
  }

  /**
   * Applies one kind of conditional write to each {@code (ids[i], inputs[i])} and returns the
   * processor's result per input, in order (null where it has none). The records are grouped by
   * partition and each group (at most {@link #MAX_RECORDS_PER_OPERATION} records and about {@link
   * #MAX_BYTES_PER_OPERATION}) is one {@link PartitionBatchOperation}, so a batch costs at most one
   * invocation per partition it spans instead of one per record; each key is still written
   * atomically on its partition thread, with the map's synchronous backups. An id that occurs more
   * than once is written in a later round, after the earlier occurrence's write completed, so
   * duplicates behave as the same writes one after the other would. Runs on the store executor.
   */
  private CompletableFuture<byte @Nullable [][]> writeAll(
      Kind kind, List<String> ids, List<byte[]> inputs) {
    byte[][] results = new byte[ids.size()][];
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    for (List<Integer> round : roundsOfDistinctIds(ids)) {
      // Each round's stage completes on the store executor, so the next is issued from there.
      done = done.thenCompose(ignored -> writeRound(kind, ids, inputs, round, results));
    }
    return done.thenApply(ignored -> results);
  }

  /** Index lists in which no id occurs twice: the first occurrence of each id in the first. */
  private static List<List<Integer>> roundsOfDistinctIds(List<String> ids) {
    List<List<Integer>> rounds = new ArrayList<>(1);
    Map<String, Integer> seen = new HashMap<>(ids.size() * 2);
    for (int i = 0; i < ids.size(); i++) {
      int round = seen.merge(ids.get(i), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>(round == 0 ? ids.size() : 4));
      }
      rounds.get(round).add(i);
    }
    return rounds;
  }

  private CompletableFuture<Void> writeRound(
      Kind kind,
      List<String> ids,
      List<byte[]> inputs,
      List<Integer> round,
      byte @Nullable [][] results) {
    Map<Integer, PartitionChunk> open = new HashMap<>();
    List<PartitionChunk> chunks = new ArrayList<>();
    for (int i : round) {
      String id = ids.get(i);
      byte[] input = inputs.get(i);
      Data key = serialization.toData(id, partitioning);
      int partitionId = partitions.getPartitionId(key);
      PartitionChunk chunk = open.get(partitionId);
      if (chunk == null || chunk.isFull(input.length)) {
        chunk = new PartitionChunk(partitionId);
        open.put(partitionId, chunk);
        chunks.add(chunk);
      }
      chunk.add(i, key, id, input);
    }
    List<CompletableFuture<MapEntries>> calls = new ArrayList<>(chunks.size());
    for (PartitionChunk c : chunks) {
      PartitionBatchOperation op =
          new PartitionBatchOperation(
              TASKS_MAP, c.keys, new BatchWriteProcessor(kind, ttlMillis, c.inputs));
      calls.add(operations.invokeOnPartition(MapService.SERVICE_NAME, op, c.partitionId));
    }
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .thenRunAsync(
            () -> {
              for (int c = 0; c < chunks.size(); c++) {
                MapEntries answer = calls.get(c).join();
                Map<Data, Integer> indexes = chunks.get(c).indexes;
                for (int j = 0; j < answer.size(); j++) {
                  Integer index = indexes.get(answer.getKey(j));
                  if (index == null) {
                    throw new IllegalStateException("a batch answered for a key it was not sent");
                  }
                  results[index] = serialization.toObject(answer.getValue(j));
                }
              }
            },
            executor);
  }

  /** The records of one operation: keys of one partition, with their inputs and positions. */
  private static final class PartitionChunk {
    final int partitionId;
    final Set<Data> keys = new HashSet<>();
    final Map<String, byte[]> inputs = new HashMap<>();
    final Map<Data, Integer> indexes = new HashMap<>();
    private long bytes;

    PartitionChunk(int partitionId) {
      this.partitionId = partitionId;
    }

    boolean isFull(int moreBytes) {
      return keys.size() >= MAX_RECORDS_PER_OPERATION
          || (!keys.isEmpty() && bytes + moreBytes > MAX_BYTES_PER_OPERATION);
    }

    void add(int index, Data key, String id, byte[] input) {
      keys.add(key);
      inputs.put(id, input);
      indexes.put(key, index);
      bytes += input.length + key.totalSize();
    }
  }

  @Override
  public void close() {
    // The HazelcastInstance belongs to whoever created it.
  }

  /**
   * Issues the Hazelcast calls on the caller's thread (a gRPC event loop or the scheduler): they
   * are all asynchronous and never block, and handing them to the store executor first cost every
   * write a thread hand-off on the path of a round trip. Only their continuations run on the store
   * executor.
   */
  private static <T> CompletionStage<T> issue(
      java.util.function.Supplier<CompletionStage<T>> calls) {
    try {
      return calls.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

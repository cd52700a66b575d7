package io.taskgrid.coordinator.internal.store;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.impl.MapContainer;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.MapServiceContext;
import com.hazelcast.map.impl.operation.MultipleEntryOperation;
import com.hazelcast.map.impl.recordstore.RecordStore;
import com.hazelcast.partition.PartitioningStrategy;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Applies a {@link BatchWriteProcessor} (or a {@link ChunkWriteProcessor}) to keys of one
 * partition, on that partition's thread, in one operation. It is Hazelcast's own multi-key
 * entry-processor operation (the one behind {@code IMap.submitToKeys}) with one difference: its
 * backups are synchronous, as the map configures them. Hazelcast's operation declares every backup
 * asynchronous because it normally runs inside a partition-iterating operation that cannot wait for
 * backup acknowledgements; invoked on its partition directly, as the store does, the invocation
 * waits for them, so a batch completes only once every record is on its backups, exactly like a
 * single-key {@code submitToKey}.
 *
 * <p>This uses Hazelcast internals (the class is public but not API): only {@link
 * HazelcastInternals} creates it (Hazelcast's deserialization aside), and checks it at start-up;
 * {@code TwoMemberHazelcastTaskStoreTest} checks the synchronous backups on a real two-member
 * cluster.
 *
 * <p>A batch that checks the store's other maps before it writes ({@link PartitionRecords.Reader})
 * is given their records of this very partition before it runs, so that it checks them and writes
 * in one step: a {@link BatchWriteProcessor.Kind#CREATE} batch the finished records ({@link
 * #endedRecords}), a {@link BatchWriteProcessor.Kind#COMPLETE_FIRST} batch the live ones ({@link
 * #liveRecords}).
 */
public final class PartitionBatchOperation extends MultipleEntryOperation {

  /** The backup counts the operation declares for a map. */
  record Backups(int sync, int async) {}

  /** For Hazelcast deserialization. */
  public PartitionBatchOperation() {}

  PartitionBatchOperation(String mapName, Set<Data> keys, EntryProcessor<?, ?, ?> processor) {
    super(mapName, keys, processor);
  }

  /**
   * What an operation on {@code container}'s map declares, as Hazelcast asks it when the operation
   * has run (Hazelcast sets the container before running it): for the start-up check.
   */
  static Backups backupsOn(MapContainer container) {
    PartitionBatchOperation op = new PartitionBatchOperation();
    op.mapContainer = container;
    return new Backups(op.getSyncBackupCount(), op.getAsyncBackupCount());
  }

  @Override
  protected void runInternal() {
    // Each run looks afresh: Hazelcast runs an operation again when its answer was lost.
    if (entryProcessor instanceof PartitionRecords.Reader reader) {
      reader.readFrom(
          new PartitionRecords() {
            @Override
            public EndedRecords ended() {
              return endedRecords();
            }

            @Override
            public LiveRecords live() {
              return liveRecords();
            }
          });
    }
    super.runInternal();
  }

  /**
   * The finished records of this operation's partition, read from its record stores on this (its
   * partition's) thread: since store format 3 a task's finished record is in the partition of its
   * live record. In format 4 a task the SDKs named has it in its {@link FinishedChunk}, keyed as
   * its live chunk; every other task, and every task in format 3, in the results map, under a key
   * serialized as the store's batched calls serialize it ({@link
   * HazelcastInternals.ChunkPartitioning}). A record of the results map past its TTL is not found;
   * one of a finished chunk is until the next sweep removes it (within a second), and then answers
   * the outcome that stood, as it would have a moment earlier. All members of a cluster run one
   * format (checked when each starts), so this member's is the cluster's.
   */
  private EndedRecords endedRecords() {
    MapServiceContext context =
        getNodeEngine().<MapService>getService(MapService.SERVICE_NAME).getMapServiceContext();
    SerializationService serialization = getNodeEngine().getSerializationService();
    boolean byChunk =
        StoreFormat.ofAttribute(
                getNodeEngine().getLocalMember().getAttribute(StoreFormat.MEMBER_ATTRIBUTE))
            == StoreFormat.FINISHED_BY_CHUNK;
    return new EndedRecordsOfPartition(
        serialization,
        context.getExistingRecordStore(getPartitionId(), HazelcastTaskStore.RESULTS_MAP),
        byChunk
            ? context.getExistingRecordStore(
                getPartitionId(), HazelcastTaskStore.FINISHED_CHUNKS_MAP)
            : null,
        byChunk);
  }

  /**
   * {@link #endedRecords}: as {@link LiveRecordsOfPartition}, the last finished chunk found is
   * kept. Confined to the partition thread, for one run of the operation.
   */
  private static final class EndedRecordsOfPartition implements EndedRecords {
    private final SerializationService serialization;
    private final HazelcastInternals.ChunkPartitioning resultKeys;
    private final @Nullable RecordStore<?> own;
    private final @Nullable RecordStore<?> chunks;
    private final boolean byChunk;
    private @Nullable String lastChunk;
    private @Nullable FinishedChunk lastFinished;

    EndedRecordsOfPartition(
        SerializationService serialization,
        @Nullable RecordStore<?> own,
        @Nullable RecordStore<?> chunks,
        boolean byChunk) {
      this.serialization = serialization;
      this.resultKeys = new HazelcastInternals.ChunkPartitioning(serialization);
      this.own = own;
      this.chunks = chunks;
      this.byChunk = byChunk;
    }

    @Override
    public byte @Nullable [] of(String taskId) {
      String chunk = byChunk ? ChunkIds.chunkOf(taskId, lastChunk) : null;
      if (chunk == null) {
        if (own == null) {
          return null;
        }
        Object value = own.get(serialization.toData(taskId, resultKeys), false, null, false);
        return value == null ? null : serialization.toObject(value);
      }
      // Identity on purpose: chunkOf answers lastChunk itself for an id of the same chunk.
      if (chunk != lastChunk) {
        lastChunk = chunk;
        lastFinished = read(serialization, chunks, chunk) instanceof FinishedChunk f ? f : null;
      }
      FinishedChunk finished = lastFinished;
      return finished == null ? null : finished.get(taskId);
    }
  }

  /** The value of {@code key} in {@code store}, keyed as the store's batched calls key it. */
  private static @Nullable Object read(
      SerializationService serialization, @Nullable RecordStore<?> store, String key) {
    if (store == null) {
      return null;
    }
    PartitioningStrategy<?> keys = store.getMapContainer().getPartitioningStrategy();
    Object value = store.get(serialization.toData(key, keys), false, null, false);
    return value == null ? null : serialization.toObject(value);
  }

  /**
   * The live records of this operation's partition, read from its record stores of the tasks and
   * chunks maps on this (its partition's) thread: since store format 2 a task's finished record is
   * in the partition of its live record, so a batch of the results map finds them here. The keys
   * are serialized as the store's batched calls serialize them (with the maps' own partitioning).
   */
  private LiveRecords liveRecords() {
    MapServiceContext context =
        getNodeEngine().<MapService>getService(MapService.SERVICE_NAME).getMapServiceContext();
    return new LiveRecordsOfPartition(
        getNodeEngine().getSerializationService(),
        context.getExistingRecordStore(getPartitionId(), HazelcastTaskStore.TASKS_MAP),
        context.getExistingRecordStore(getPartitionId(), HazelcastTaskStore.CHUNKS_MAP));
  }

  /**
   * {@link #liveRecords}: a batch's ids mostly share a chunk, so the last chunk found is kept and
   * its key is not parsed, serialized and looked up again for every id. Confined to the partition
   * thread, for one run of the operation.
   */
  private static final class LiveRecordsOfPartition implements LiveRecords {
    private final SerializationService serialization;
    private final @Nullable RecordStore<?> own;
    private final @Nullable RecordStore<?> chunks;
    private @Nullable String lastChunk;
    private @Nullable LiveChunk lastLive;

    LiveRecordsOfPartition(
        SerializationService serialization,
        @Nullable RecordStore<?> own,
        @Nullable RecordStore<?> chunks) {
      this.serialization = serialization;
      this.own = own;
      this.chunks = chunks;
    }

    @Override
    public byte @Nullable [] of(String taskId) {
      String chunk = ChunkIds.chunkOf(taskId, lastChunk);
      if (chunk == null) {
        Object record = read(serialization, own, taskId);
        return record instanceof byte[] bytes ? bytes : null;
      }
      // Identity on purpose: chunkOf answers lastChunk itself for an id of the same chunk.
      if (chunk != lastChunk) {
        lastChunk = chunk;
        lastLive = read(serialization, chunks, chunk) instanceof LiveChunk live ? live : null;
      }
      LiveChunk live = lastLive;
      return live == null ? null : live.get(taskId);
    }
  }

  @Override
  public int getSyncBackupCount() {
    return mapContainer.getBackupCount();
  }

  @Override
  public int getAsyncBackupCount() {
    return mapContainer.getAsyncBackupCount();
  }

  @Override
  public int getFactoryId() {
    return StoreSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StoreSerialization.BATCH_OPERATION;
  }
}

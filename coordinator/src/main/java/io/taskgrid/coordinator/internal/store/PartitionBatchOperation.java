package io.taskgrid.coordinator.internal.store;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.impl.MapContainer;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.operation.MultipleEntryOperation;
import com.hazelcast.map.impl.recordstore.RecordStore;
import java.util.Set;

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
 * <p>A {@link BatchWriteProcessor.Kind#CREATE} batch is given the finished records of this very
 * partition before it runs ({@link #endedRecords}), so that it checks them and writes in one step.
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
    if (entryProcessor instanceof ChunkWriteProcessor chunks && chunks.checksEnded()) {
      chunks.lookIn(endedRecords());
    } else if (entryProcessor instanceof BatchWriteProcessor records && records.checksEnded()) {
      records.lookIn(endedRecords());
    }
    super.runInternal();
  }

  /**
   * The finished records of this operation's partition, read from its record store of the results
   * map on this (its partition's) thread: in store format 3 a task's finished record is in the
   * partition of its live record, which keys serialized as the store's batched calls serialize them
   * find ({@link HazelcastInternals.ChunkPartitioning}). A record past its TTL is not found.
   */
  private EndedRecords endedRecords() {
    MapService service = getNodeEngine().getService(MapService.SERVICE_NAME);
    RecordStore<?> results =
        service
            .getMapServiceContext()
            .getExistingRecordStore(getPartitionId(), HazelcastTaskStore.RESULTS_MAP);
    if (results == null) {
      return taskId -> null;
    }
    SerializationService serialization = getNodeEngine().getSerializationService();
    HazelcastInternals.ChunkPartitioning keys =
        new HazelcastInternals.ChunkPartitioning(serialization);
    return taskId -> {
      Object value = results.get(serialization.toData(taskId, keys), false, null, false);
      return value == null ? null : serialization.toObject(value);
    };
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

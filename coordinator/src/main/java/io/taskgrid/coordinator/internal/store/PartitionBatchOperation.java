package io.taskgrid.coordinator.internal.store;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.map.impl.operation.MultipleEntryOperation;
import java.util.Set;

/**
 * Applies a {@link BatchWriteProcessor} to keys of one partition, on that partition's thread, in
 * one operation. It is Hazelcast's own multi-key entry-processor operation (the one behind {@code
 * IMap.submitToKeys}) with one difference: its backups are synchronous, as the map configures them.
 * Hazelcast's operation declares every backup asynchronous because it normally runs inside a
 * partition-iterating operation that cannot wait for backup acknowledgements; invoked on its
 * partition directly, as the store does, the invocation waits for them, so a batch completes only
 * once every record is on its backups, exactly like a single-key {@code submitToKey}.
 *
 * <p>This uses Hazelcast internals (the class is public but not API): upgrading Hazelcast means
 * re-checking it, which {@code HazelcastTaskStoreTest} does on a real two-member cluster.
 */
public final class PartitionBatchOperation extends MultipleEntryOperation {

  /** For Hazelcast deserialization. */
  public PartitionBatchOperation() {}

  PartitionBatchOperation(String mapName, Set<Data> keys, BatchWriteProcessor processor) {
    super(mapName, keys, processor);
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

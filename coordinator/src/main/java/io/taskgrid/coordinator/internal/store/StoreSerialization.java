package io.taskgrid.coordinator.internal.store;

import com.hazelcast.config.Config;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The Hazelcast serialization of the store's batched writes: every member that holds the task map
 * must have this factory (see {@link #register}), because a batch for a partition owned by another
 * member travels there as a {@link PartitionBatchOperation}, with a {@link BatchWriteProcessor} or
 * a {@link ChunkWriteProcessor} or a {@link FinishedChunkProcessor}, and the chunk maps' {@link
 * LiveChunk}s and {@link FinishedChunk}s travel with their partitions' replicas.
 */
public final class StoreSerialization implements DataSerializableFactory {
  /** Taskgrid's factory id: positive, so it cannot clash with Hazelcast's own (negative) ones. */
  static final int FACTORY_ID = 0x7A5C;

  static final int BATCH_OPERATION = 1;
  static final int BATCH_PROCESSOR = 2;
  static final int LIVE_CHUNK = 3;
  static final int CHUNK_PROCESSOR = 4;
  static final int SCAN_PROCESSOR = 5;
  static final int OWNED_LIVE_SCAN = 6;
  static final int FINISHED_CHUNK = 7;
  static final int FINISHED_CHUNK_PROCESSOR = 8;
  static final int FINISHED_RETENTION_PROCESSOR = 9;

  private StoreSerialization() {}

  /** Registers the factory on a member configuration; returns {@code config}. */
  public static Config register(Config config) {
    config
        .getSerializationConfig()
        .addDataSerializableFactory(FACTORY_ID, new StoreSerialization());
    return config;
  }

  /** Whether {@link #register} was applied to {@code config}. */
  static boolean isRegistered(Config config) {
    return config.getSerializationConfig().getDataSerializableFactories().get(FACTORY_ID)
        instanceof StoreSerialization;
  }

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case BATCH_OPERATION -> new PartitionBatchOperation();
      case BATCH_PROCESSOR -> new BatchWriteProcessor();
      case LIVE_CHUNK -> new LiveChunk();
      case CHUNK_PROCESSOR -> new ChunkWriteProcessor();
      case SCAN_PROCESSOR -> new ScanProcessor();
      case OWNED_LIVE_SCAN -> new OwnedLiveScan();
      case FINISHED_CHUNK -> new FinishedChunk();
      case FINISHED_CHUNK_PROCESSOR -> new FinishedChunkProcessor();
      case FINISHED_RETENTION_PROCESSOR -> new FinishedRetentionProcessor();
      default -> throw new IllegalArgumentException("unknown store type id " + typeId);
    };
  }
}

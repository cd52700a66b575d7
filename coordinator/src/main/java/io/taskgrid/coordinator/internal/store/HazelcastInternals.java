package io.taskgrid.coordinator.internal.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.instance.BuildInfoProvider;
import com.hazelcast.internal.partition.IPartitionService;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapContainer;
import com.hazelcast.map.impl.MapEntries;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.partition.PartitioningStrategy;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.operationservice.OperationService;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every use the store makes of Hazelcast's internal classes (public, but not API: any release may
 * change them): its batched writes are invoked per partition through the member's own services,
 * because IMap has no multi-key entry-processor call that waits for synchronous backups (see {@link
 * PartitionBatchOperation}, which only this class creates). A Hazelcast upgrade has this class and
 * that one to re-check, nothing else (an ArchUnit rule keeps it so). {@link #of} checks at start-up
 * that what they rely on still holds, and refuses to make the store otherwise, naming the Hazelcast
 * version and what differed.
 */
final class HazelcastInternals {
  private static final Logger log = LoggerFactory.getLogger(HazelcastInternals.class);

  /** The map of the start-up round trip: one scratch key per check, deleted after it. */
  static final String SCRATCH_MAP = "taskgrid-store-check";

  /** Bounds each call of the start-up round trip (Hazelcast retries through migrations). */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

  private final SerializationService serialization;
  private final PartitioningStrategy<?> partitioning;

  /**
   * The maps whose keys of chunked tasks go to their chunk's partition ({@link ChunkPartitioning}).
   */
  private final Set<String> byChunk;

  private final IPartitionService partitions;
  private final OperationService operations;

  /**
   * Partition operations issued per map (one adder per map, made up front: no allocation on the
   * write path), exported as {@code taskgrid_store_partition_operations_total}: against the tasks
   * finished, it shows how well writes batch.
   */
  private final Map<String, LongAdder> operationsByMap;

  /** The start-up round trip, running in the background (see {@link #checkRoundTrip}). */
  private CompletableFuture<Void> roundTrip = CompletableFuture.completedFuture(null);

  private HazelcastInternals(
      SerializationService serialization,
      PartitioningStrategy<?> partitioning,
      List<String> maps,
      Set<String> byChunk,
      IPartitionService partitions,
      OperationService operations) {
    Map<String, LongAdder> adders = new LinkedHashMap<>();
    for (String map : maps) {
      adders.put(map, new LongAdder());
    }
    adders.put(SCRATCH_MAP, new LongAdder());
    this.operationsByMap = Collections.unmodifiableMap(adders);
    this.serialization = serialization;
    this.partitioning = partitioning;
    this.byChunk = Set.copyOf(byChunk);
    this.partitions = partitions;
    this.operations = operations;
  }

  /** The Hazelcast version on the class path, the one whose internals this class uses. */
  static String version() {
    return BuildInfoProvider.getBuildInfo().getVersion();
  }

  /**
   * The internals of {@code hazelcast} (a member, not a client) for batched writes to {@code maps},
   * with keys serialized and partitioned as the first map's proxy does (the store's maps all
   * partition alike), so that they land in the same partitions as the proxies' own calls. Checks
   * first that the member's configuration has {@link StoreSerialization} (else
   * IllegalArgumentException: a configuration error), then that the internals behave as this class
   * expects (else IllegalStateException naming the Hazelcast version and what differed): the proxy
   * is Hazelcast's own and {@link PartitionBatchOperation} keeps as many synchronous and
   * asynchronous backups of each map as its configuration asks. A one-key batch on a scratch key,
   * which must read back through the public API and through a batched read what it wrote, runs in
   * the background once the caller starts it ({@link #startRoundTripCheck}). In the maps named in
   * {@code byChunk} the keys of tasks that have a live chunk are put into that chunk's partition
   * instead ({@link ChunkPartitioning}); only these batched calls can find them there.
   */
  static HazelcastInternals of(
      HazelcastInstance hazelcast, List<String> maps, Set<String> byChunk) {
    Config config = hazelcast.getConfig();
    if (!StoreSerialization.isRegistered(config)) {
      throw new IllegalArgumentException(
          "the member's configuration lacks HazelcastTaskStore.configure(config) (Hazelcast "
              + version()
              + ")");
    }
    IMap<String, byte[]> map = hazelcast.getMap(maps.get(0));
    if (!(map instanceof MapProxyImpl<?, ?> proxy)) {
      throw differs(
          "the proxy of map "
              + map.getName()
              + " is a "
              + map.getClass().getName()
              + ", not a "
              + MapProxyImpl.class.getName()
              + " (the store reaches the member's partition and operation services through it)");
    }
    NodeEngine engine = proxy.getNodeEngine();
    for (String name : maps) {
      hazelcast.getMap(name); // its proxy made first, as the store's calls would
      checkBackupCounts(engine, name, config.findMapConfig(name));
    }
    checkChunkPartitioning(engine.getSerializationService());
    HazelcastInternals internals =
        new HazelcastInternals(
            engine.getSerializationService(),
            proxy.getPartitionStrategy(),
            maps,
            byChunk,
            engine.getPartitionService(),
            engine.getOperationService());
    return internals;
  }

  /**
   * Starts the one-key round trip in the background (see {@link #checkRoundTrip}). Separate from
   * {@link #of}, so that a caller that may still refuse to start (a cluster of another store
   * format) does so first: a round trip still in flight when the member shuts down leaves
   * Hazelcast's own warning, with a stack trace, in the log of a refusal that should be one line.
   * {@code create} is the kind the store creates live records with (the scratch key is written with
   * it).
   */
  void startRoundTripCheck(HazelcastInstance hazelcast, Kind create) {
    roundTrip = checkRoundTrip(hazelcast, create);
  }

  private static InternalsDiffer differs(String what) {
    return new InternalsDiffer(
        "Hazelcast "
            + version()
            + " differs from what the task store relies on (re-check"
            + " HazelcastInternals and PartitionBatchOperation): "
            + what);
  }

  /**
   * Hazelcast's own multi-key operation declares its backups asynchronous; ours takes both counts
   * from the map's container, which must give the configured ones.
   */
  private static void checkBackupCounts(NodeEngine engine, String mapName, MapConfig config) {
    MapService service = engine.getService(MapService.SERVICE_NAME);
    MapContainer container = service.getMapServiceContext().getMapContainer(mapName);
    PartitionBatchOperation.Backups backups = PartitionBatchOperation.backupsOn(container);
    if (backups.sync() != config.getBackupCount()
        || backups.async() != config.getAsyncBackupCount()) {
      throw differs(
          "PartitionBatchOperation would keep "
              + backups.sync()
              + " synchronous and "
              + backups.async()
              + " asynchronous backup(s) of map "
              + mapName
              + ", which is configured with "
              + config.getBackupCount()
              + " and "
              + config.getAsyncBackupCount());
    }
  }

  /**
   * {@link ChunkPartitioning} answers a chunk key it serialized once for every id of that chunk;
   * the key it makes must be the one Hazelcast makes when it serializes the chunk key itself each
   * time (the same bytes and partition hash), whichever ids came before: an SDK id, another of its
   * chunk, one of another chunk and an id without a chunk.
   */
  private static void checkChunkPartitioning(SerializationService serialization) {
    String prefix = "0123456789abcdef0123456789abcdef-";
    String check = "-0123456789abcdef";
    List<String> ids =
        List.of(
            prefix + 1 + check,
            prefix + 2 + check,
            prefix + 64 + check,
            "own-id",
            prefix + 65 + check);
    ChunkPartitioning reused = new ChunkPartitioning(serialization);
    PartitioningStrategy<Object> fresh =
        key -> {
          String chunk = ChunkIds.chunkOf((String) key);
          return chunk == null ? key : chunk;
        };
    for (String id : ids) {
      Data made = serialization.toData(id, reused);
      Data expected = serialization.toData(id, fresh);
      if (!Arrays.equals(made.toByteArray(), expected.toByteArray())
          || made.getPartitionHash() != expected.getPartitionHash()) {
        throw differs(
            "a key serialized with a chunk key already serialized differs from one serialized with"
                + " the chunk key itself (task "
                + id
                + ")");
      }
    }
  }

  /**
   * Writes a scratch key with a one-key batch of the kind the store creates records with (the
   * store's path: serialization, partition, operation, answer; for {@link Kind#CREATE} also the
   * operation's look-up of finished records, which fails loudly when Hazelcast did not run it),
   * reads it back with IMap.get and with a batched read, then deletes it. It runs in the
   * background: a coordinator that starts while its cluster merges or migrates partitions must not
   * wait for it (a fresh start after a split waited 60 s and failed), so a difference is logged at
   * ERROR, and a check that could not be made at WARN.
   */
  private CompletableFuture<Void> checkRoundTrip(HazelcastInstance hazelcast, Kind create) {
    IMap<String, byte[]> scratch = hazelcast.getMap(SCRATCH_MAP);
    String key =
        "check-" + hazelcast.getCluster().getLocalMember().getUuid() + "-" + System.nanoTime();
    byte[] written = key.getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Void> checked =
        one(create, key, written)
            .thenCompose(
                created -> {
                  if (created != null) {
                    throw differs(
                        "a one-key batch that stored a new key in map "
                            + SCRATCH_MAP
                            + " answered "
                            + created.length
                            + " bytes instead of nothing");
                  }
                  return scratch.getAsync(key).toCompletableFuture();
                })
            .thenCompose(
                read -> {
                  if (!Arrays.equals(read, written)) {
                    throw differs(
                        "IMap.get in map "
                            + SCRATCH_MAP
                            + " read back "
                            + describe(read)
                            + " after a one-key batch wrote "
                            + written.length
                            + " bytes (batched keys do not land where the map's proxy looks)");
                  }
                  return one(Kind.READ, key, new byte[0]);
                })
            .thenCompose(
                answered -> {
                  if (!Arrays.equals(answered, written)) {
                    throw differs(
                        "a one-key batched read in map "
                            + SCRATCH_MAP
                            + " answered "
                            + describe(answered)
                            + " where "
                            + written.length
                            + " bytes were written (the operation's answer is not read as"
                            + " expected)");
                  }
                  return scratch.deleteAsync(key).toCompletableFuture().thenApply(b -> null);
                });
    return checked
        .orTimeout(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (ok, e) -> {
              Throwable cause = e instanceof CompletionException c ? c.getCause() : e;
              if (cause instanceof InternalsDiffer differs) {
                log.error("{}", differs.getMessage());
              } else if (cause instanceof HazelcastInstanceNotActiveException) {
                // Not a finding: the member shut down (a coordinator that stopped or failed to
                // start) before the check could finish.
                log.info(
                    "The task store's check of the Hazelcast internals ended unfinished: the"
                        + " member shut down");
              } else if (cause != null) {
                log.warn(
                    "Hazelcast {}: the task store could not check the internals it relies on (a"
                        + " one-key batch round trip in map {}): {}",
                    version(),
                    SCRATCH_MAP,
                    cause.toString());
              }
            });
  }

  private static String describe(byte @Nullable [] bytes) {
    return bytes == null ? "nothing" : "other " + bytes.length + " bytes";
  }

  /** A one-key batch on the scratch map. */
  private CompletableFuture<byte @Nullable []> one(Kind kind, String key, byte[] input) {
    // The continuation is trivial and runs once at start-up: on whichever thread completes it.
    return writeAll(SCRATCH_MAP, kind, 0, List.of(key), List.of(input), Runnable::run)
        .thenApply(answers -> answers[0]);
  }

  /** How many partition operations the batched calls have issued to {@code map}. */
  long operationsIssued(String map) {
    LongAdder n = operationsByMap.get(map);
    return n == null ? 0 : n.sum();
  }

  /**
   * {@link #operationsIssued} of every map this store writes, in the order the store named them.
   */
  Map<String, Long> operationsIssued() {
    Map<String, Long> out = new LinkedHashMap<>();
    operationsByMap.forEach((map, n) -> out.put(map, n.sum()));
    return out;
  }

  private void countOperations(String map, int n) {
    LongAdder adder = operationsByMap.get(map);
    if (adder == null) {
      throw new IllegalArgumentException("not a map of this store: " + map);
    }
    adder.add(n);
  }

  /**
   * Hazelcast's internals do not behave as this class relies on. An IllegalStateException, as
   * before it had a type of its own; the type tells it from Hazelcast's own IllegalStateExceptions
   * (an instance that is not active) in the background check.
   */
  static final class InternalsDiffer extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InternalsDiffer(String message) {
      super(message);
    }
  }

  /** The start-up round trip (see {@link #checkRoundTrip}); for tests. */
  CompletableFuture<Void> roundTripChecked() {
    return roundTrip;
  }

  /**
   * Applies {@code kind} to each {@code (ids[i], inputs[i])} in {@code map} (no id twice) and
   * returns each one's answer, in order (null where it has none), completed on {@code executor}.
   * The keys are grouped by partition and each group (at most {@link
   * HazelcastTaskStore#MAX_RECORDS_PER_OPERATION} records and about {@link
   * HazelcastTaskStore#MAX_BYTES_PER_OPERATION}) is one {@link PartitionBatchOperation}, so a batch
   * costs one invocation per partition it spans instead of one per record; each key is still
   * written atomically on its partition thread, with the map's synchronous backups.
   */
  CompletableFuture<byte @Nullable [][]> writeAll(
      String map,
      Kind kind,
      long ttlMillis,
      List<String> ids,
      List<byte[]> inputs,
      Executor executor) {
    Map<Integer, PartitionChunk> open = new HashMap<>();
    List<PartitionChunk> chunks = new ArrayList<>();
    PartitioningStrategy<?> keys =
        byChunk.contains(map) ? new ChunkPartitioning(serialization) : partitioning;
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      byte[] input = inputs.get(i);
      Data key = serialization.toData(id, keys);
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
    countOperations(map, chunks.size());
    for (PartitionChunk c : chunks) {
      PartitionBatchOperation op =
          new PartitionBatchOperation(
              map, c.keys, new BatchWriteProcessor(kind, ttlMillis, c.inputs));
      calls.add(operations.invokeOnPartition(MapService.SERVICE_NAME, op, c.partitionId));
    }
    byte[][] results = new byte[ids.size()][];
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .thenApplyAsync(
            ignored -> {
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
              return results;
            },
            executor);
  }

  /**
   * As {@link #writeAll}, for tasks kept in {@link LiveChunk}s: {@code chunkKeys[i]} is the chunk
   * of {@code ids[i]} (no id twice). The writes are grouped by chunk and the chunks by partition;
   * each group of chunks is one {@link PartitionBatchOperation} with a {@link ChunkWriteProcessor},
   * so a batch costs one invocation per partition it spans and one entry operation per chunk.
   */
  CompletableFuture<byte @Nullable [][]> writeChunks(
      String map,
      Kind kind,
      List<String> ids,
      List<String> chunkKeys,
      List<byte[]> inputs,
      Executor executor) {
    return writeChunks(
        map, ids, chunkKeys, inputs, writes -> new ChunkWriteProcessor(kind, writes), executor);
  }

  /**
   * As {@link #writeChunks(String, Kind, List, List, List, Executor)}, with the processor of each
   * operation made by {@code processor} from its writes by chunk key: a {@link
   * FinishedChunkProcessor} for the finished chunks.
   */
  CompletableFuture<byte @Nullable [][]> writeChunks(
      String map,
      List<String> ids,
      List<String> chunkKeys,
      List<byte[]> inputs,
      Function<Map<String, ChunkWriteProcessor.Writes>, EntryProcessor<?, ?, ?>> processor,
      Executor executor) {
    Map<String, ChunkGroup> byChunk = new java.util.LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      byChunk.computeIfAbsent(chunkKeys.get(i), ChunkGroup::new).add(i, ids.get(i), inputs.get(i));
    }
    Map<Integer, ChunkOperation> open = new HashMap<>();
    List<ChunkOperation> ops = new ArrayList<>();
    for (ChunkGroup group : byChunk.values()) {
      Data key = serialization.toData(group.chunkKey, partitioning);
      int partitionId = partitions.getPartitionId(key);
      ChunkOperation op = open.get(partitionId);
      if (op == null || op.isFull(group)) {
        op = new ChunkOperation(partitionId);
        open.put(partitionId, op);
        ops.add(op);
      }
      op.add(key, group);
    }
    List<CompletableFuture<MapEntries>> calls = new ArrayList<>(ops.size());
    countOperations(map, ops.size());
    for (ChunkOperation op : ops) {
      Map<String, ChunkWriteProcessor.Writes> writes = new HashMap<>();
      for (ChunkGroup g : op.groups.values()) {
        writes.put(g.chunkKey, g.writes);
      }
      PartitionBatchOperation operation =
          new PartitionBatchOperation(
              map, new HashSet<>(op.groups.keySet()), processor.apply(writes));
      calls.add(operations.invokeOnPartition(MapService.SERVICE_NAME, operation, op.partitionId));
    }
    byte[][] results = new byte[ids.size()][];
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .thenApplyAsync(
            ignored -> {
              for (int c = 0; c < ops.size(); c++) {
                MapEntries answer = calls.get(c).join();
                Map<Data, ChunkGroup> groups = ops.get(c).groups;
                for (int j = 0; j < answer.size(); j++) {
                  ChunkGroup g = groups.get(answer.getKey(j));
                  if (g == null) {
                    throw new IllegalStateException("a batch answered for a chunk it was not sent");
                  }
                  byte[][] answers =
                      ChunkWriteProcessor.unpack(
                          serialization.toObject(answer.getValue(j)), g.indexes.size());
                  for (int k = 0; k < answers.length; k++) {
                    results[g.indexes.get(k)] = answers[k];
                  }
                }
              }
              return results;
            },
            executor);
  }

  /**
   * Puts the key of a task that has a live chunk into that chunk's partition, and every other key
   * into its own (the key object itself is answered, which Hazelcast treats as no partition key at
   * all, so such keys serialize exactly as without a strategy). Used for the results map in {@link
   * StoreFormat#RESULTS_BY_CHUNK}: the 64 finished records of a chunk then share one partition, and
   * a batch of completions or the read at submission costs one operation per chunk instead of one
   * per partition the ids hash to. Only the store's own batched calls serialize keys with it (the
   * map's configuration has no strategy), so both formats run on the same map configuration.
   *
   * <p>One instance serves one batch, on the thread that serializes its keys (it is not
   * thread-safe). Consecutive ids of a batch mostly share a chunk, so it keeps the last chunk's key
   * and that key serialized: Hazelcast hashes a partition key that is already {@link Data} without
   * serializing it again (an internal behaviour, checked at start-up by {@link
   * #checkChunkPartitioning}). Parsing each id for its chunk key and serializing that key was about
   * a twentieth of the coordinator's CPU per task.
   */
  static final class ChunkPartitioning implements PartitioningStrategy<Object> {
    private static final long serialVersionUID = 1L;

    /** How Hazelcast serializes a partition key: with no strategy of its own. */
    private static final PartitioningStrategy<Object> OWN_HASH = key -> null;

    private final transient SerializationService serialization;
    private transient @Nullable String lastChunk;
    private transient @Nullable Data lastChunkKey;

    ChunkPartitioning(SerializationService serialization) {
      this.serialization = serialization;
    }

    @Override
    public Object getPartitionKey(Object key) {
      if (!(key instanceof String id)) {
        return key;
      }
      String chunk = ChunkIds.chunkOf(id, lastChunk);
      if (chunk == null) {
        return id;
      }
      Data chunkKey = lastChunkKey;
      // Identity on purpose: chunkOf answers lastChunk itself for an id of the same chunk.
      if (chunk != lastChunk || chunkKey == null) {
        chunkKey = serialization.toData(chunk, OWN_HASH);
        lastChunk = chunk;
        lastChunkKey = chunkKey;
      }
      return chunkKey;
    }
  }

  /** The writes of one chunk, with their positions in the batch. */
  private static final class ChunkGroup {
    final String chunkKey;
    final ChunkWriteProcessor.Writes writes = new ChunkWriteProcessor.Writes();
    final List<Integer> indexes = new ArrayList<>();
    long bytes;

    ChunkGroup(String chunkKey) {
      this.chunkKey = chunkKey;
    }

    void add(int index, String id, byte[] input) {
      writes.add(id, input);
      indexes.add(index);
      bytes += input.length + id.length();
    }
  }

  /** The chunks of one operation: all on one partition. */
  private static final class ChunkOperation {
    final int partitionId;
    final Map<Data, ChunkGroup> groups = new java.util.LinkedHashMap<>();
    private int records;
    private long bytes;

    ChunkOperation(int partitionId) {
      this.partitionId = partitionId;
    }

    boolean isFull(ChunkGroup more) {
      return !groups.isEmpty()
          && (records + more.indexes.size() > HazelcastTaskStore.MAX_RECORDS_PER_OPERATION
              || bytes + more.bytes > HazelcastTaskStore.MAX_BYTES_PER_OPERATION);
    }

    void add(Data key, ChunkGroup group) {
      groups.put(key, group);
      records += group.indexes.size();
      bytes += group.bytes;
    }
  }

  /** The records of one operation: keys of one partition, with their inputs and positions. */
  private static final class PartitionChunk {
    final int partitionId;
    final Map<String, byte[]> inputs = new HashMap<>();

    /** Each key's position in the batch; its key set is the operation's keys. */
    final Map<Data, Integer> indexes = new HashMap<>();

    /**
     * The operation's keys: a view, not a copy, since hashing a key reads all its bytes and this
     * runs once per record.
     */
    final Set<Data> keys = indexes.keySet();

    private long bytes;

    PartitionChunk(int partitionId) {
      this.partitionId = partitionId;
    }

    boolean isFull(int moreBytes) {
      return indexes.size() >= HazelcastTaskStore.MAX_RECORDS_PER_OPERATION
          || (!indexes.isEmpty() && bytes + moreBytes > HazelcastTaskStore.MAX_BYTES_PER_OPERATION);
    }

    void add(int index, Data key, String id, byte[] input) {
      inputs.put(id, input);
      indexes.put(key, index);
      bytes += input.length + key.totalSize();
    }
  }
}

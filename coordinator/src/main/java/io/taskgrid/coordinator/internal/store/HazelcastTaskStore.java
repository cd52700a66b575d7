package io.taskgrid.coordinator.internal.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import io.taskgrid.coordinator.internal.concurrent.NamedThreadFactory;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Kind;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TaskStore} on Hazelcast maps of protobuf bytes: {@link #TASKS_MAP} holds the live
 * (QUEUED/RUNNING) records, which are never evicted, and {@link #RESULTS_MAP} the finished (DONE)
 * ones, which expire after the result TTL and which Hazelcast evicts (least recently used first)
 * once a member holds more than the retention budget allows (see {@link #configure(Config,
 * Retention)}). Map-level eviction cannot tell a live record from a finished one, hence two maps.
 * The tasks the SDKs name keep their live records 64 to an entry of {@link #CHUNKS_MAP} and, in
 * store format 4, their finished ones 64 to an entry of {@link #FINISHED_CHUNKS_MAP}, which the
 * store's own retention bounds ({@link FinishedRetention}). Every call is issued on the caller's
 * thread with Hazelcast's async API (nothing blocks); continuations run on the store executor, so
 * Hazelcast's partition threads never run our code. The given instance is not closed here.
 *
 * <p>A task moves from one map to the other in this order: its DONE record is written to the
 * results map first (the first terminal record wins there), then its live record is removed, and
 * the watchers are told in between (see {@link #completing}). A read looks at both maps and answers
 * the DONE record when both hold one, so it never misses a task that ended and never answers a live
 * record over an outcome a client was told of; a live write ({@link #updateAll}) never creates a
 * record, so a late one cannot bring an ended task back.
 *
 * <p>Batch writes cost one Hazelcast operation per partition a batch spans, not one per record (see
 * {@link #writeAll}): every invocation is registered, monitored, routed, answered and completed,
 * which is most of what a store write costs the coordinator.
 */
public final class HazelcastTaskStore implements TaskStore {
  private static final Logger log = LoggerFactory.getLogger(HazelcastTaskStore.class);

  /** The map holding live task records. */
  public static final String TASKS_MAP = "taskgrid-tasks";

  /** The map holding finished task records, bounded by the retention budget. */
  public static final String RESULTS_MAP = "taskgrid-results";

  /**
   * The map holding the live records of the tasks the SDKs name, 64 consecutive ones of a client
   * per entry (see {@link ChunkIds}, {@link LiveChunk}); never evicted, like {@link #TASKS_MAP}.
   */
  public static final String CHUNKS_MAP = "taskgrid-chunks";

  /**
   * In store format 4, the map holding the finished records of the tasks the SDKs name, 64 to an
   * entry keyed as their live chunk (see {@link FinishedChunk}); bounded by the store's own
   * retention ({@link FinishedRetention}), not Hazelcast's eviction.
   */
  public static final String FINISHED_CHUNKS_MAP = "taskgrid-finished-chunks";

  /**
   * Bounds of one batched operation: it holds its partition thread while it runs (other writes to
   * that partition wait) and travels as one message to the partition owner and its backups.
   */
  static final int MAX_RECORDS_PER_OPERATION = 500;

  static final int MAX_BYTES_PER_OPERATION = 1 << 20;

  private final IMap<String, byte[]> tasks;
  private final IMap<String, byte[]> finished;
  private final IMap<String, LiveChunk> chunks;
  private final IMap<String, FinishedChunk> finishedChunks;
  private final long ttlMillis;

  /** Stamps finished chunks' records with their expiry and times their retention. */
  private final Clock clock;

  /** In format 4, the retention of the finished chunks; else null. */
  private final @Nullable FinishedRetention retention;

  /** In format 4, the thread that sweeps the finished chunks every second; else null. */
  private final @Nullable ScheduledExecutorService retentionTimer;

  /** What the finished chunks this coordinator owns held after the last sweep. */
  private volatile Retained heldInChunks = new Retained(0, 0);

  private final Executor executor;

  /**
   * Where the audit's scans wait ({@link #ownedLiveIds}, {@link #claimOrphans}): a thread each,
   * made when needed (a claim after a member left must not queue behind an audit); a few every 30 s
   * at most. Shut down by {@link #close}.
   */
  private final ExecutorService scans;

  /** This coordinator's store format, which every member of its cluster runs. */
  private final StoreFormat format;

  private final HazelcastInstance hazelcast;

  /** The listener that logs members joining without a format (see {@link StoreFormats}). */
  private final java.util.UUID joinerWatch;

  /** The store format this store runs, the same on every member of its cluster. */
  public StoreFormat format() {
    return format;
  }

  /** How long {@link #close} waits for the start-up check of the internals to finish. */
  static final Duration ROUND_TRIP_CLOSE_WAIT = Duration.ofSeconds(2);

  /** The batched writes, the store's only use of Hazelcast internals. */
  private final HazelcastInternals internals;

  /** The start-up round trip of the internals, which runs in the background (for tests). */
  CompletableFuture<Void> internalsChecked() {
    return internals.roundTripChecked();
  }

  /** How many partition operations this store has issued to {@code map}. */
  long operationsIssued(String map) {
    return internals.operationsIssued(map);
  }

  @Override
  public Map<String, Long> partitionOperations() {
    return internals.operationsIssued();
  }

  /** Repeats the idempotent writes that failed for a reason that passes, until {@link #close}. */
  private final TransientRetry retry;

  private volatile boolean closed;

  /** {@link #configure(Config, Retention)} with the default budget. */
  public static Config configure(Config config) {
    return configure(config, Retention.getDefaultInstance());
  }

  /** {@link #configure(Config, Retention, StoreFormat)} in the format this release forms. */
  public static Config configure(Config config, Retention retention) {
    return configure(config, retention, StoreFormat.CURRENT);
  }

  /**
   * The fewest records a count budget ({@code --retained-max}) needs for formats 2 and 3 (results
   * by chunk): Hazelcast holds such a budget per partition (budget × members / 271), and a chunk
   * puts up to 64 finished records into one partition at once, so a smaller budget would evict a
   * chunk's results as they are written. Two chunks per partition on one member.
   */
  static final long MIN_RECORDS_BY_CHUNK = 2L * ChunkIds.TASKS_PER_CHUNK * 271;

  /**
   * The format a coordinator asked for {@code requested} runs with {@code retention}: formats 2 and
   * 3 (results by chunk, Hazelcast's eviction) need a byte budget (Hazelcast holds it per member)
   * or a count budget of at least {@link #MIN_RECORDS_BY_CHUNK}; with a smaller one the results
   * stay in the partitions of their ids. Format 4 keeps its own retention and runs at any budget.
   */
  public static StoreFormat effectiveFormat(StoreFormat requested, Retention retention) {
    if (requested.resultsByChunk()
        && !requested.finishedByChunk() // its own retention holds whole chunks at any budget
        && retention.maxBytes() == 0
        && retention.maxRecords() < MIN_RECORDS_BY_CHUNK) {
      return StoreFormat.PER_TASK;
    }
    return requested;
  }

  /** The fewest backups (synchronous and asynchronous) either map keeps of a partition. */
  public static int backupCount(Config config) {
    int fewest = Integer.MAX_VALUE;
    for (String map : List.of(TASKS_MAP, CHUNKS_MAP, RESULTS_MAP, FINISHED_CHUNKS_MAP)) {
      fewest = Math.min(fewest, config.findMapConfig(map).getTotalBackupCount());
    }
    return fewest;
  }

  /**
   * Configures a member for this store: both maps keep one synchronous backup, so an acknowledged
   * write survives the loss of any one member, and the batched writes can travel between members.
   * The results map is bounded: with {@link Retention#maxBytes()} set, by the heap its entries take
   * on a member (Hazelcast's USED_HEAP_SIZE, whole MiB), else by {@link Retention#maxRecords()} per
   * member (PER_NODE). Every coordinator of a cluster must be configured alike. (Keeping the values
   * in OBJECT format and turning the map's statistics off made no difference measurable above the
   * noise of paired end-to-end runs, so the defaults stay.)
   */
  public static Config configure(Config config, Retention retention, StoreFormat format) {
    config
        .getMemberAttributeConfig()
        .setAttribute(
            StoreFormat.MEMBER_ATTRIBUTE,
            Integer.toString(effectiveFormat(format, retention).number()));
    config.getMapConfig(TASKS_MAP).setBackupCount(1).setAsyncBackupCount(0);
    // Objects, not bytes: a write changes one task of a chunk in place instead of copying (and
    // deserializing, then serializing) all 64 of them.
    config
        .getMapConfig(CHUNKS_MAP)
        .setBackupCount(1)
        .setAsyncBackupCount(0)
        .setInMemoryFormat(InMemoryFormat.OBJECT);
    // Format 4's finished chunks: objects too, so a completion adds one record in place. No
    // eviction here: the store's own retention bounds it (FinishedRetention).
    config
        .getMapConfig(FINISHED_CHUNKS_MAP)
        .setBackupCount(1)
        .setAsyncBackupCount(0)
        .setInMemoryFormat(InMemoryFormat.OBJECT);
    MapConfig resultsConfig =
        config.getMapConfig(RESULTS_MAP).setBackupCount(1).setAsyncBackupCount(0);
    EvictionConfig eviction =
        resultsConfig.getEvictionConfig().setEvictionPolicy(EvictionPolicy.LRU);
    if (retention.maxBytes() > 0) {
      long mib = Math.max(1, (retention.maxBytes() + (1 << 20) - 1) >> 20);
      eviction.setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE).setSize((int) mib);
    } else {
      eviction.setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize((int) retention.maxRecords());
    }
    StoreSerialization.register(config);
    return config;
  }

  /**
   * {@code hazelcast}: a member (not a client) whose configuration went through {@link #configure}
   * (else IllegalArgumentException). Throws IllegalStateException, naming the Hazelcast version and
   * what differed, when the Hazelcast internals the batched writes use do not behave as expected
   * (see {@link HazelcastInternals#of}).
   */
  public HazelcastTaskStore(HazelcastInstance hazelcast, Duration resultTtl, Executor executor) {
    this(hazelcast, resultTtl, executor, Clock.systemUTC(), true);
  }

  /**
   * As the public constructor, with the clock that stamps and expires finished chunks' records, and
   * whether the store sweeps them every {@link FinishedRetention#INTERVAL} itself (tests that sweep
   * with {@link #sweepRetention} on a fake clock say no).
   */
  HazelcastTaskStore(
      HazelcastInstance hazelcast,
      Duration resultTtl,
      Executor executor,
      Clock clock,
      boolean sweepsItself) {
    // First: it refuses a member whose configuration or Hazelcast version it cannot work with,
    // naming what differed.
    this.format = StoreFormats.configured(hazelcast);
    this.internals =
        HazelcastInternals.of(
            hazelcast,
            format.finishedByChunk()
                ? List.of(TASKS_MAP, RESULTS_MAP, CHUNKS_MAP, FINISHED_CHUNKS_MAP)
                : List.of(TASKS_MAP, RESULTS_MAP, CHUNKS_MAP),
            format.resultsByChunk() ? Set.of(RESULTS_MAP) : Set.of());
    // Then: it refuses to join a cluster whose members run another store format.
    StoreFormats.checkCluster(hazelcast, format);
    // Only now, with no refusal left, the internals' round trip (a background check).
    internals.startRoundTripCheck(
        hazelcast, format.checksEndedAtCreate() ? Kind.CREATE : Kind.PUT_IF_ABSENT);
    this.hazelcast = hazelcast;
    this.joinerWatch = StoreFormats.watchJoiners(hazelcast, format);
    SplitBrainProtections.awaitFirstEvaluation(hazelcast);
    this.tasks = hazelcast.getMap(TASKS_MAP);
    this.finished = hazelcast.getMap(RESULTS_MAP);
    this.chunks = hazelcast.getMap(CHUNKS_MAP);
    this.finishedChunks = hazelcast.getMap(FINISHED_CHUNKS_MAP);
    this.ttlMillis = resultTtl.toMillis();
    this.clock = clock;
    this.executor = executor;
    this.scans = Executors.newCachedThreadPool(new NamedThreadFactory("store-scan"));
    if (format.finishedByChunk()) {
      EvictionConfig budget = hazelcast.getConfig().findMapConfig(RESULTS_MAP).getEvictionConfig();
      boolean byBytes = budget.getMaxSizePolicy() == MaxSizePolicy.USED_HEAP_SIZE;
      this.retention =
          new FinishedRetention(
              finishedChunks,
              finished,
              byBytes ? Long.MAX_VALUE : budget.getSize(),
              byBytes ? ((long) budget.getSize()) << 20 : Long.MAX_VALUE,
              clock);
      this.retentionTimer =
          sweepsItself
              ? Executors.newSingleThreadScheduledExecutor(
                  new NamedThreadFactory("store-retention"))
              : null;
    } else {
      this.retention = null;
      this.retentionTimer = null;
    }
    this.retry =
        new TransientRetry(executor, Duration.ofMillis(100), Duration.ofSeconds(5), () -> closed);
    // Last: the sweeps run on another thread and must see a store whose fields are all set.
    if (retentionTimer != null) {
      long every = FinishedRetention.INTERVAL.toMillis();
      retentionTimer.scheduleWithFixedDelay(
          this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    // Format 3 checks for an ended task in the operation that writes (Kind.CREATE); the others
    // read the results map after the write and undo the write for a task that had ended.
    boolean checked = format.checksEndedAtCreate();
    return issue(
        () ->
            writeRecords(TASKS_MAP, checked ? Kind.CREATE : Kind.PUT_IF_ABSENT, copy)
                .thenCompose(
                    stored ->
                        checked
                            ? CompletableFuture.completedFuture(stored)
                            : undoEnded(copy, stored))
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

  /**
   * For the records {@code createAll} just stored live: a task of that id may have ended already
   * (its DONE record is in the results map, its live record removed). Its new live record is
   * removed again and the DONE record answered instead, as a single map would have answered it. The
   * DONE record is written before the live one is removed, so a task that ended before the live
   * write is found here.
   */
  private CompletableFuture<byte @Nullable [][]> undoEnded(
      List<TaskInfo> records, byte @Nullable [][] stored) {
    List<String> created = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < stored.length; i++) {
      if (stored[i] == null) {
        created.add(records.get(i).getSpec().getId());
        positions.add(i);
      }
    }
    if (created.isEmpty()) {
      return CompletableFuture.completedFuture(stored);
    }
    return writeAll(RESULTS_MAP, Kind.READ, created, nothing(created.size()))
        .thenCompose(
            ended -> {
              List<String> undo = new ArrayList<>();
              for (int j = 0; j < ended.length; j++) {
                if (ended[j] != null) {
                  stored[positions.get(j)] = ended[j];
                  undo.add(created.get(j));
                }
              }
              return undo.isEmpty()
                  ? CompletableFuture.completedFuture(stored)
                  : writeAll(TASKS_MAP, Kind.REMOVE_LIVE, undo, nothing(undo.size()))
                      .thenApply(ignored -> stored);
            });
  }

  /** Inputs for the kinds that need none (READ, REMOVE_LIVE): one shared empty array each. */
  private static List<byte[]> nothing(int n) {
    return Collections.nCopies(n, NO_INPUT);
  }

  private static final byte[] NO_INPUT = new byte[0];

  /**
   * Reads the live and the finished record at once and answers the finished one when both are
   * there: a task's DONE record is written first and its live record removed after, and the
   * watchers are told in between (see {@link #completing}), so a read issued after they were told
   * must answer DONE. A read that finds neither asks the results map again: the task may have ended
   * between the two reads (DONE written after the first, the live record removed before the
   * second).
   */
  @Override
  public CompletionStage<Optional<TaskInfo>> get(String taskId) {
    return issue(
        () ->
            readEnded(taskId)
                // On the store executor: Hazelcast's threads never run our code.
                .thenCombineAsync(
                    readLive(taskId), (ended, live) -> ended != null ? ended : live, executor)
                .thenComposeAsync(
                    found ->
                        found != null
                            ? CompletableFuture.completedFuture(found)
                            : readEnded(taskId),
                    executor)
                .thenApplyAsync(
                    bytes -> Optional.ofNullable(bytes).map(TaskRecords::decode), executor));
  }

  /**
   * A task's finished record, through the batched read: in formats 2 and 3 (results by chunk) its
   * key is in its chunk's partition, where the map's proxy (which partitions by the id) would not
   * look.
   */
  private CompletableFuture<byte @Nullable []> readEnded(String taskId) {
    return writeAll(RESULTS_MAP, Kind.READ, List.of(taskId), nothing(1)).thenApply(r -> r[0]);
  }

  /** A task's live record, from its chunk or its own entry. */
  private CompletableFuture<byte @Nullable []> readLive(String taskId) {
    if (ChunkIds.chunkOf(taskId) == null) {
      return tasks.getAsync(taskId).toCompletableFuture();
    }
    return writeAll(TASKS_MAP, Kind.READ, List.of(taskId), nothing(1)).thenApply(r -> r[0]);
  }

  /**
   * As {@link #get}, for many: finished records win, and ids found in neither map are read again.
   */
  @Override
  public CompletionStage<Map<String, TaskInfo>> getAll(Collection<String> taskIds) {
    List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(taskIds));
    return issue(
        () ->
            readEnded(ids)
                .thenCombineAsync(
                    getAllLive(ids),
                    (ended, live) -> {
                      live.putAll(ended);
                      return live;
                    },
                    executor)
                .thenComposeAsync(
                    found -> {
                      List<String> missing = new ArrayList<>();
                      for (String id : ids) {
                        if (!found.containsKey(id)) {
                          missing.add(id);
                        }
                      }
                      return readEnded(missing)
                          .thenApply(
                              ended -> {
                                found.putAll(ended);
                                return found;
                              });
                    },
                    executor)
                .thenApplyAsync(
                    found -> {
                      Map<String, TaskInfo> out = new HashMap<>();
                      found.forEach((id, bytes) -> out.put(id, TaskRecords.decode(bytes)));
                      return out;
                    },
                    executor));
  }

  /** The finished records among {@code ids} (distinct), read in one operation per partition. */
  private CompletableFuture<Map<String, byte[]>> readEnded(List<String> ids) {
    return writeAll(RESULTS_MAP, Kind.READ, ids, nothing(ids.size()))
        .thenApply(
            read -> {
              Map<String, byte[]> out = new HashMap<>();
              for (int i = 0; i < read.length; i++) {
                if (read[i] != null) {
                  out.put(ids.get(i), read[i]);
                }
              }
              return out;
            });
  }

  /** The live records among {@code ids}: of their chunks or their own entries. */
  private CompletableFuture<Map<String, byte[]>> getAllLive(List<String> ids) {
    List<String> own = new ArrayList<>();
    List<String> chunked = new ArrayList<>();
    for (String id : new java.util.LinkedHashSet<>(ids)) {
      (ChunkIds.chunkOf(id) == null ? own : chunked).add(id);
    }
    CompletableFuture<byte @Nullable [][]> fromChunks =
        writeAll(TASKS_MAP, Kind.READ, chunked, nothing(chunked.size()));
    return getAllFrom(tasks, own)
        .thenCombine(
            fromChunks,
            (found, read) -> {
              for (int i = 0; i < read.length; i++) {
                if (read[i] != null) {
                  found.put(chunked.get(i), read[i]);
                }
              }
              return found;
            });
  }

  private static CompletableFuture<Map<String, byte[]>> getAllFrom(
      IMap<String, byte[]> map, List<String> ids) {
    List<CompletableFuture<byte[]>> calls = new ArrayList<>(ids.size());
    for (String id : ids) {
      calls.add(map.getAsync(id).toCompletableFuture());
    }
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            ignored -> {
              Map<String, byte[]> out = new HashMap<>();
              for (int i = 0; i < ids.size(); i++) {
                byte[] bytes = calls.get(i).join();
                if (bytes != null) {
                  out.put(ids.get(i), bytes);
                }
              }
              return out;
            });
  }

  @Override
  public CompletionStage<Void> updateAll(Collection<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    // A conditional write per record, not putAll: a RUNNING write that lands after the DONE write
    // must not undo the completion.
    // Idempotent (a write never regresses a record), so a write the store could not take in time
    // is repeated.
    return retry.run(
        "record " + copy.size() + " running task(s)",
        () ->
            issue(
                () ->
                    writeRecords(TASKS_MAP, Kind.UPDATE_LIVE, copy)
                        .<Void>thenApply(stored -> null)));
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records) {
    return completing(records).whole();
  }

  /**
   * The first terminal outcome wins in the results map; then the live records go (in this order: a
   * read between the two finds the DONE record, since reads prefer it). The outcomes stand, and are
   * answered by every read, once the first write is acknowledged: {@link Completing#standing()}
   * completes then, so that the scheduler tells the watchers one store operation earlier; the
   * removal of the live records is cleanup: a live record whose DONE record stands is never
   * answered, and its owner does not run it again. Should the owner die before the removal, as it
   * could between the two writes before, the record is adopted and run again, and that run's
   * outcome loses to the one that stands. Both steps are idempotent, so a write the store could not
   * take in time is repeated whole.
   */
  @Override
  public Completing completing(List<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    CompletableFuture<List<TaskInfo>> standing = new CompletableFuture<>();
    CompletableFuture<List<TaskInfo>> whole =
        retry.run(
            "store " + copy.size() + " result(s)",
            () ->
                issue(
                    () ->
                        writeRecords(RESULTS_MAP, Kind.COMPLETE_FIRST, copy)
                            .thenCompose(
                                stands -> {
                                  // Null: this record was written. Else the earlier DONE record
                                  // stood.
                                  List<TaskInfo> out = new ArrayList<>(stands.length);
                                  List<String> ids = new ArrayList<>(copy.size());
                                  for (int i = 0; i < stands.length; i++) {
                                    byte[] bytes = stands[i];
                                    out.add(
                                        bytes == null ? copy.get(i) : TaskRecords.decode(bytes));
                                    ids.add(copy.get(i).getSpec().getId());
                                  }
                                  // The removal is issued first, then the watchers are told
                                  // (on this thread): telling them takes a while for a large
                                  // batch, and a coordinator that dies before the removal is
                                  // issued leaves live records that are adopted and run again.
                                  CompletableFuture<byte @Nullable [][]> removed =
                                      writeAll(
                                          TASKS_MAP, Kind.REMOVE_LIVE, ids, nothing(ids.size()));
                                  standing.complete(out); // a repeated write: already complete
                                  return removed.thenApply(ignored -> out);
                                })));
    whole.whenComplete(
        (out, e) -> {
          if (e != null) {
            standing.completeExceptionally(e); // no effect once the outcomes stood
          }
        });
    return new Completing(standing, whole);
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports) {
    List<TaskResult> copy = List.copyOf(reports);
    // The lease is checked and the live record replaced by the DONE one in one atomic step (a
    // repeated run answers the same, see BatchWriteProcessor), then the DONE record is written to
    // the results map (first one wins), then the one in the live map is removed.
    // A DONE record may stand already with the live one still there: its owner stored the result
    // (completeFirst) and died before it removed the live record or told anyone. That record is
    // returned too, so that it is published: a watcher that read the live record waits for it.
    return issue(
        () -> {
          List<String> ids = new ArrayList<>(copy.size());
          for (TaskResult r : copy) {
            ids.add(r.getTaskId());
          }
          return takeLeases(copy)
              .thenCompose(
                  taken -> {
                    List<String> endedIds = new ArrayList<>();
                    List<byte[]> ended = new ArrayList<>();
                    for (int i = 0; i < taken.length; i++) {
                      if (taken[i] != null) {
                        endedIds.add(ids.get(i));
                        ended.add(taken[i]);
                      }
                    }
                    // The live records are gone now: the DONE ones must land, or the tasks
                    // would be in neither map (a retry of the whole call finds no lease to take).
                    return retry
                        .runUntilStopped(
                            "store " + endedIds.size() + " forwarded result(s)",
                            () -> writeAll(RESULTS_MAP, Kind.COMPLETE_FIRST, endedIds, ended))
                        .thenCompose(
                            stands ->
                                retry
                                    .run(
                                        "remove " + endedIds.size() + " taken lease(s)",
                                        () ->
                                            writeAll(
                                                TASKS_MAP,
                                                Kind.REMOVE_LIVE,
                                                endedIds,
                                                nothing(endedIds.size())))
                                    .thenApply(ignored -> stands))
                        .thenApply(
                            stands -> {
                              List<TaskInfo> out = new ArrayList<>(stands.length);
                              for (int i = 0; i < stands.length; i++) {
                                byte[] standing = stands[i] == null ? ended.get(i) : stands[i];
                                out.add(TaskRecords.decode(standing));
                              }
                              return out;
                            });
                  });
        });
  }

  /**
   * The first write of {@link #completeLeases}: per report, the DONE record it made of the live
   * record that showed its lease (left in the live map), or null. Alone for tests of what happens
   * between the two writes.
   */
  CompletableFuture<byte @Nullable [][]> takeLeases(List<TaskResult> reports) {
    List<String> ids = new ArrayList<>(reports.size());
    List<byte[]> inputs = new ArrayList<>(reports.size());
    for (TaskResult r : reports) {
      ids.add(r.getTaskId());
      inputs.add(r.toByteArray());
    }
    return writeAll(TASKS_MAP, Kind.TAKE_LEASE, ids, inputs);
  }

  @Override
  public Retained retained() {
    LocalMapStats stats = finished.getLocalMapStats();
    Retained chunked = heldInChunks; // as of the last sweep
    return new Retained(
        stats.getOwnedEntryCount() + chunked.records(),
        stats.getOwnedEntryMemoryCost() + chunked.bytes());
  }

  /**
   * Sweeps the finished chunks this coordinator owns now (format 4; see {@link FinishedRetention})
   * and answers what they hold after it; blocks. The store does this every second itself unless
   * made without; tests call it to apply the budget and the TTL at once.
   */
  synchronized Retained sweepRetention() {
    FinishedRetention r = retention;
    if (r == null) {
      return new Retained(0, 0);
    }
    Retained after = r.sweep();
    heldInChunks = after;
    return after;
  }

  private void sweepQuietly() {
    try {
      sweepRetention();
    } catch (RuntimeException e) {
      if (!closed && hazelcast.getLifecycleService().isRunning()) {
        // The next sweep tries again; a member leaving or partitions moving fail one now and then.
        log.warn(
            "sweeping the finished chunks failed (retried in {}): {}",
            FinishedRetention.INTERVAL,
            e.toString());
      }
    }
  }

  @Override
  public CompletionStage<List<TaskInfo>> claimOrphans(Set<String> liveOwners, String newOwner) {
    // A scan of every partition, which blocks the thread that waits for it: on a scan thread (see
    // ownedLiveIds).
    return CompletableFuture.supplyAsync(
            () -> {
              ScanProcessor claim = ScanProcessor.claimOrphans(liveOwners, newOwner);
              List<TaskInfo> out = new ArrayList<>();
              for (IMap<String, Object> map : List.of(scannable(tasks), scannable(chunks))) {
                for (byte[] packed : map.executeOnEntries(claim).values()) {
                  out.addAll(ScanProcessor.records(packed));
                }
              }
              return out;
            },
            scans)
        .thenApplyAsync(claimed -> claimed, executor);
  }

  @Override
  public CompletionStage<List<String>> ownedLiveIds(String owner) {
    // A scan of every partition (read-only), which blocks the thread that waits for it: made every
    // 30 s by each coordinator (and a claim by the oldest), so it waits on a scan thread, never on
    // one of the two store threads that every write's continuation needs.
    return CompletableFuture.supplyAsync(
            () -> {
              OwnedLiveScan scan = new OwnedLiveScan(owner);
              List<String> out = new ArrayList<>();
              for (IMap<String, Object> map : List.of(scannable(tasks), scannable(chunks))) {
                for (byte[] packed : map.executeOnEntries(scan).values()) {
                  out.addAll(OwnedLiveScan.ids(packed));
                }
              }
              return out;
            },
            scans)
        .thenApplyAsync(ids -> ids, executor);
  }

  @Override
  public CompletionStage<List<TaskInfo>> jobRecords(String jobId) {
    // A scan of every partition (read-only): rare, so it may block a store thread.
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, TaskInfo> byId = new java.util.LinkedHashMap<>();
          // In this order: a task that is ending may briefly be in a live map and the results map,
          // and then its finished record is the one that counts.
          ScanProcessor scan = ScanProcessor.jobRecords(jobId);
          List<IMap<String, Object>> maps =
              format.finishedByChunk()
                  ? List.of(
                      scannable(tasks),
                      scannable(chunks),
                      scannable(finished),
                      scannable(finishedChunks))
                  : List.of(scannable(tasks), scannable(chunks), scannable(finished));
          for (IMap<String, Object> map : maps) {
            for (byte[] packed : map.executeOnEntries(scan).values()) {
              for (TaskInfo r : ScanProcessor.records(packed)) {
                byId.put(r.getSpec().getId(), r);
              }
            }
          }
          return new ArrayList<>(byId.values());
        },
        executor);
  }

  /** A map as {@link ScanProcessor} sees it: its values are records or chunks. */
  @SuppressWarnings("unchecked")
  private static IMap<String, Object> scannable(IMap<String, ?> map) {
    return (IMap<String, Object>) map;
  }

  /** {@link #writeAll} of records, keyed by their ids. */
  private CompletableFuture<byte @Nullable [][]> writeRecords(
      String map, Kind kind, List<TaskInfo> records) {
    List<String> ids = new ArrayList<>(records.size());
    List<byte[]> inputs = new ArrayList<>(records.size());
    for (TaskInfo r : records) {
      ids.add(r.getSpec().getId());
      inputs.add(TaskRecords.encode(r));
    }
    return writeAll(map, kind, ids, inputs);
  }

  /**
   * Applies one kind of conditional write to each {@code (ids[i], inputs[i])} and returns the
   * processor's result per input, in order (null where it has none): one Hazelcast operation per
   * partition a batch spans (see {@link HazelcastInternals#writeAll}). Live writes of the tasks
   * that have a chunk go to their chunks in {@link #CHUNKS_MAP}, every other write to the task's
   * own entry in {@code map}. An id that occurs more than once behaves as the same writes one after
   * the other would: a chunk applies its writes in the order given, and a record of its own is
   * written in a later round, after the earlier occurrence's write completed. Completes on the
   * store executor.
   */
  private CompletableFuture<byte @Nullable [][]> writeAll(
      String map, Kind kind, List<String> ids, List<byte[]> inputs) {
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(new byte[0][]);
    }
    String chunkMap =
        map.equals(TASKS_MAP)
            ? CHUNKS_MAP
            : map.equals(RESULTS_MAP) && format.finishedByChunk() ? FINISHED_CHUNKS_MAP : null;
    if (chunkMap == null) {
      return writeOwn(map, kind, ids, inputs);
    }
    List<Integer> own = new ArrayList<>();
    List<Integer> chunked = new ArrayList<>(ids.size());
    List<String> chunkKeys = new ArrayList<>(ids.size());
    String previous = null;
    for (int i = 0; i < ids.size(); i++) {
      String chunk = ChunkIds.chunkOf(ids.get(i), previous);
      if (chunk == null) {
        own.add(i);
      } else {
        chunked.add(i);
        chunkKeys.add(chunk);
        previous = chunk;
      }
    }
    if (chunked.isEmpty()) {
      return writeOwn(map, kind, ids, inputs);
    }
    boolean allChunked = own.isEmpty();
    List<String> chunkedIds = allChunked ? ids : pick(ids, chunked);
    List<byte[]> chunkedInputs = allChunked ? inputs : pick(inputs, chunked);
    CompletableFuture<byte @Nullable [][]> toChunks =
        chunkMap.equals(CHUNKS_MAP)
            ? internals.writeChunks(
                CHUNKS_MAP, kind, chunkedIds, chunkKeys, chunkedInputs, executor)
            : internals.writeChunks(
                FINISHED_CHUNKS_MAP,
                chunkedIds,
                chunkKeys,
                chunkedInputs,
                writes -> new FinishedChunkProcessor(kind, clock.millis() + ttlMillis, writes),
                executor);
    if (allChunked) {
      return toChunks;
    }
    CompletableFuture<byte @Nullable [][]> toOwn =
        writeOwn(map, kind, pick(ids, own), pick(inputs, own));
    return toChunks.thenCombine(
        toOwn,
        (fromChunks, fromOwn) -> {
          byte[][] results = new byte[ids.size()][];
          scatter(fromChunks, chunked, results);
          scatter(fromOwn, own, results);
          return results;
        });
  }

  /** {@link #writeAll} of records of their own, in rounds of distinct ids. */
  private CompletableFuture<byte @Nullable [][]> writeOwn(
      String map, Kind kind, List<String> ids, List<byte[]> inputs) {
    List<List<Integer>> rounds = roundsOfDistinctIds(ids);
    if (rounds.size() == 1) {
      return internals.writeAll(map, kind, ttlMillis, ids, inputs, executor);
    }
    byte[][] results = new byte[ids.size()][];
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    for (List<Integer> round : rounds) {
      // Each round's stage completes on the store executor, so the next is issued from there.
      done =
          done.thenCompose(
              ignored ->
                  internals
                      .writeAll(
                          map, kind, ttlMillis, pick(ids, round), pick(inputs, round), executor)
                      .thenAccept(answers -> scatter(answers, round, results)));
    }
    return done.thenApply(ignored -> results);
  }

  /** Puts {@code answers[j]} at {@code positions[j]} of {@code results}: the inverse of pick. */
  private static void scatter(
      byte @Nullable [][] answers, List<Integer> positions, byte @Nullable [][] results) {
    for (int j = 0; j < answers.length; j++) {
      results[positions.get(j)] = answers[j];
    }
  }

  /** The elements of {@code from} at {@code positions}, in that order. */
  private static <T> List<T> pick(List<T> from, List<Integer> positions) {
    List<T> out = new ArrayList<>(positions.size());
    for (int i : positions) {
      out.add(from.get(i));
    }
    return out;
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

  @Override
  public void close() {
    // The HazelcastInstance belongs to whoever created it.
    closed = true;
    scans.shutdownNow();
    if (retentionTimer != null) {
      retentionTimer.shutdownNow();
    }
    // Its owner shuts it down next. The start-up check takes milliseconds unless partitions are
    // moving; one still in flight at the shutdown leaves Hazelcast's own warning (a stack trace) in
    // the log of a coordinator that stopped, or failed to start, right after starting.
    try {
      internals.roundTripChecked().get(ROUND_TRIP_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // The check logged its own outcome; a timeout only means the warning may follow.
    }
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getCluster().removeMembershipListener(joinerWatch);
    }
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

package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.concurrent.Executors2;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on a real standalone Hazelcast member (one per class: it takes ~1 s to start). */
class HazelcastTaskStoreTest extends TaskStoreContractTest {
  private static HazelcastInstance hazelcast;
  private static ThreadPoolExecutor executor;

  /** A member whose results map holds at most {@link #BUDGET} records; started when needed. */
  private static HazelcastInstance budgeted;

  @BeforeAll
  static void startMember() {
    hazelcast = member(StoreFormat.CURRENT);
    executor = Executors2.fixed("store-test", 2);
  }

  private static HazelcastInstance member(StoreFormat format) {
    CoordinatorOptions options =
        CoordinatorOptions.newBuilder()
            .clusterName("store-test-" + System.nanoTime())
            .hazelcastPort(0)
            .storeFormat(format)
            .build();
    return Hazelcast.newHazelcastInstance(HazelcastConfigs.memberConfig(options));
  }

  /** Replaces the class's member by one of {@code format} (from a subclass's {@code BeforeAll}). */
  static void restartMember(StoreFormat format) {
    hazelcast.shutdown();
    hazelcast = member(format);
  }

  @AfterAll
  static void stopMember() {
    hazelcast.shutdown();
    if (budgeted != null) {
      budgeted.shutdown();
      budgeted = null; // a subclass starts its own
    }
    Executors2.shutdown(executor, Duration.ofSeconds(2));
  }

  @Override
  TaskStore newStore(Duration resultTtl) {
    return new HazelcastTaskStore(hazelcast, resultTtl, executor);
  }

  @Override
  TaskStore newBudgetedStore() {
    if (budgeted == null) {
      CoordinatorOptions options =
          CoordinatorOptions.newBuilder()
              .clusterName("store-budget-test-" + System.nanoTime())
              .hazelcastPort(0)
              .retainedMax(BUDGET)
              .build();
      budgeted = Hazelcast.newHazelcastInstance(HazelcastConfigs.memberConfig(options));
    }
    return new HazelcastTaskStore(budgeted, Duration.ofHours(1), executor);
  }

  @Override
  void applyRetention(TaskStore budgeted) {
    ((HazelcastTaskStore) budgeted).sweepRetention();
  }

  @Override
  void passTtl(TaskStore store, String expiringId) {
    // Hazelcast expiry runs on real time (1 s granularity): wait until the entry is gone.
    await().atMost(Duration.ofSeconds(10)).until(() -> join(store.get(expiringId)).isEmpty());
  }

  @Test
  void writes_moreRecordsOfOnePartitionThanOneOperationCarries_allWritten() throws Exception {
    TaskStore store = newStore(Duration.ofHours(1));
    String prefix = "same-partition-" + UUID.randomUUID() + "-";
    int partition = hazelcast.getPartitionService().getPartition(prefix + 0).getPartitionId();
    List<TaskInfo> records = new ArrayList<>();
    for (int i = 0; records.size() < 2 * HazelcastTaskStore.MAX_RECORDS_PER_OPERATION + 7; i++) {
      String id = prefix + i;
      if (hazelcast.getPartitionService().getPartition(id).getPartitionId() == partition) {
        TaskInfo r = queued("x", "1");
        records.add(r.toBuilder().setSpec(r.getSpec().toBuilder().setId(id)).build());
      }
    }
    List<String> ids = records.stream().map(r -> r.getSpec().getId()).toList();

    List<Optional<TaskInfo>> created = join(store.createAll(records));
    List<TaskInfo> stands = join(store.completeFirst(records.stream().map(r -> done(r)).toList()));

    assertThat(created).hasSize(records.size()).allMatch(Optional::isEmpty);
    assertThat(stands).extracting(r -> r.getSpec().getId()).containsExactlyElementsOf(ids);
    Map<String, TaskInfo> stored = join(store.getAll(ids));
    assertThat(stored.values())
        .hasSize(records.size())
        .allSatisfy(r -> assertThat(r.getState()).isEqualTo(TaskState.DONE));
  }

  /**
   * The owner stored the result (completeFirst wrote the DONE record) and died before it removed
   * the live record: the worker's report, re-sent to another coordinator, ends the lease and gets
   * the outcome that stands, to publish. Dropping it left a client that had read the live record
   * waiting for ever (ChaosIT's coordinator kill, 2 of 20,000).
   */
  @Test
  void completeLeases_doneStoredButLiveRecordLeftByADeadOwner_returnsTheOutcomeThatStands()
      throws Exception {
    TaskStore store = newStore(Duration.ofHours(1));
    // As if the owner had died before removing the live record.
    TaskInfo stored = doneWithLiveRecordLeft(store, "half-completed", "dead-owner");
    String id = stored.getSpec().getId();
    TaskInfo a = queued("half-completed", "1");

    List<TaskInfo> won = join(store.completeLeases(List.of(report(a, 1, "w1", "re-sent"))));

    assertThat(won).containsExactly(stored);
    assertThat(liveEntryExists(id)).isFalse();
    assertThat(join(store.get(id))).contains(stored);
  }

  /**
   * A worker's report, forwarded to another coordinator, took its lease (the live record is the
   * DONE one it made) and its copy to the results map is still on its way, when another attempt of
   * the task ends (its owner re-ran it: the worker's reconcile answer said it held no such lease).
   * Reads answered the taken lease's record meanwhile, so a client may have been told it: it must
   * stand, for the late attempt and for the forwarded write alike (MultiHostNetnsIT once stored the
   * re-run's outcome after the client had been told the first). Not in store format 1 for the SDKs'
   * ids, whose finished records are not in their live records' partitions.
   */
  @Test
  void completeFirst_ofAnotherAttemptAfterALeaseWasTaken_theTakenLeaseStands() throws Exception {
    HazelcastTaskStore store = (HazelcastTaskStore) newStore(Duration.ofHours(1));
    TaskInfo a = queued("taken-then-rerun", "1");
    String id = a.getSpec().getId();
    join(store.createAll(List.of(a)));
    join(store.updateAll(List.of(running(a, 1, "w1", "c0"))));
    byte[] taken = join(store.takeLeases(List.of(report(a, 1, "w1", "first"))))[0];
    TaskInfo tookLease = TaskRecords.decode(taken);
    TaskInfo rerun =
        running(a, 2, "w2", "c1").toBuilder()
            .setState(TaskState.DONE)
            .setResult(report(a, 2, "w2", "second"))
            .build();
    assertThat(join(store.get(id))).contains(tookLease);

    List<TaskInfo> lateAttempt = join(store.completeFirst(List.of(rerun)));
    // The forwarder's second write: the record its first one made, to the results map.
    List<TaskInfo> forwarded = join(store.completeFirst(List.of(tookLease)));

    if (chunkedIds() && store.format() == StoreFormat.PER_TASK) {
      assertThat(lateAttempt).containsExactly(rerun); // the limit of format 1 (see TakenLeases)
      assertThat(forwarded).containsExactly(rerun);
      assertThat(join(store.get(id))).contains(rerun);
    } else {
      assertThat(lateAttempt).containsExactly(tookLease);
      assertThat(forwarded).containsExactly(tookLease);
      assertThat(join(store.get(id))).contains(tookLease);
      assertThat(tookLease.getResult().getOutput().getData().toStringUtf8()).isEqualTo("first");
    }
    assertThat(liveEntryExists(id)).isFalse();
    store.close();
  }

  @Test
  void resultsOfOneChunk_readAndWrittenInOneOperation_whenTheFormatKeepsResultsByChunk()
      throws Exception {
    HazelcastTaskStore store = (HazelcastTaskStore) newStore(Duration.ofHours(1));
    try {
      List<TaskInfo> records = new ArrayList<>();
      for (int i = 0; i < ChunkIds.TASKS_PER_CHUNK; i++) {
        records.add(queued("one-chunk-" + i, "1"));
      }
      List<String> ids = records.stream().map(r -> r.getSpec().getId()).toList();

      long before = store.operationsIssued(HazelcastTaskStore.RESULTS_MAP);
      join(store.createAll(records));
      long reads = store.operationsIssued(HazelcastTaskStore.RESULTS_MAP) - before;
      join(store.completeFirst(records.stream().map(r -> done(r)).toList()));
      long writes = store.operationsIssued(HazelcastTaskStore.RESULTS_MAP) - before - reads;

      if (chunkedIds() && store.format() == StoreFormat.FINISHED_BY_CHUNK) {
        // The results map is not used: a chunk's finished records are one entry, written once.
        assertThat(List.of(reads, writes)).containsExactly(0L, 0L);
        assertThat(store.operationsIssued(HazelcastTaskStore.FINISHED_CHUNKS_MAP)).isEqualTo(1L);
      } else if (chunkedIds() && store.format() == StoreFormat.ENDED_CHECKED_AT_CREATE) {
        // The ended check at submission is part of the live write: no read of the results map.
        assertThat(List.of(reads, writes)).containsExactly(0L, 1L);
      } else if (chunkedIds() && store.format() == StoreFormat.RESULTS_BY_CHUNK) {
        assertThat(List.of(reads, writes)).containsExactly(1L, 1L);
      } else if (store.format().checksEndedAtCreate()) {
        assertThat(reads).isZero();
        assertThat(writes).isGreaterThan(20);
      } else {
        // 64 ids hashed over 271 partitions land in about 57 of them.
        assertThat(reads).isGreaterThan(20);
        assertThat(writes).isGreaterThan(20);
      }
      Map<String, TaskInfo> stored = join(store.getAll(ids));
      assertThat(stored.values())
          .hasSize(ids.size())
          .allSatisfy(r -> assertThat(r.getState()).isEqualTo(TaskState.DONE));
      assertThat(join(store.get(ids.get(7)))).map(TaskInfo::getState).contains(TaskState.DONE);
    } finally {
      store.close();
    }
  }

  @Test
  void newStore_memberWithoutStoreSerialization_refused() {
    HazelcastInstance unregistered =
        (HazelcastInstance)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HazelcastInstance.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getConfig")) {
                    return new Config();
                  }
                  throw new UnsupportedOperationException(method.getName());
                });

    assertThatThrownBy(() -> new HazelcastTaskStore(unregistered, TTL, Runnable::run))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HazelcastTaskStore.configure");
  }

  @Test
  void newStore_realMember_checksHazelcastInternalsAndLeavesNoScratchKey() {
    HazelcastTaskStore checked = new HazelcastTaskStore(hazelcast, TTL, Runnable::run);
    // In the background (a coordinator starting while its cluster merges must not wait for it).
    checked.internalsChecked().join();
    checked.close();

    // The check wrote, read and deleted a scratch key (in a map of its own). The stores this test's
    // set-up made check themselves in the background too, so their keys may still be there a while.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> hazelcast.getMap(HazelcastInternals.SCRATCH_MAP).isEmpty());
  }

  @Test
  void newStore_mapProxyNotHazelcasts_refusedNamingTheVersionAndWhatDiffered() {
    // The real member behind a JDK proxy whose maps are wrapped too: it behaves the same through
    // the API, but its map proxies are not Hazelcast's class.
    HazelcastInstance wrappedMaps =
        wrapped(
            HazelcastInstance.class,
            hazelcast,
            result -> result instanceof IMap<?, ?> map ? wrapped(IMap.class, map, r -> r) : result);
    String version = hazelcast.getCluster().getLocalMember().getVersion().toString();

    assertThatThrownBy(() -> new HazelcastTaskStore(wrappedMaps, TTL, Runnable::run))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Hazelcast " + version + " differs")
        .hasMessageContaining("the proxy of map " + HazelcastTaskStore.TASKS_MAP + " is a ")
        .hasMessageContaining("not a com.hazelcast.map.impl.proxy.MapProxyImpl");
  }

  /**
   * Between the DONE write and the live record's removal the watchers are told already (see
   * HazelcastTaskStore#completing): a read issued then must answer DONE, not the live record.
   */
  @Test
  void reads_liveRecordStillBesideTheDoneOne_answerTheDoneOne() throws Exception {
    TaskStore store = newStore(Duration.ofHours(1));
    TaskInfo stored = doneWithLiveRecordLeft(store, "both-there", "c1"); // the removal not made yet
    String id = stored.getSpec().getId();

    assertThat(join(store.get(id))).contains(stored);
    assertThat(join(store.getAll(List.of(id, id("never-submitted")))))
        .containsExactly(Map.entry(id, stored));
  }

  @Test
  void completing_answersTheOutcomesThatStand_andRemovesTheLiveRecord() throws Exception {
    TaskStore store = newStore(Duration.ofHours(1));
    TaskInfo a = queued("completing", "1");
    join(store.createAll(List.of(a)));
    String id = a.getSpec().getId();

    TaskStore.Completing completing = store.completing(List.of(done(a)));

    assertThat(join(completing.standing())).containsExactly(done(a));
    assertThat(join(completing.whole())).containsExactly(done(a));
    assertThat(liveEntryExists(id)).isFalse();
    assertThat(join(store.get(id))).contains(done(a));
  }

  /**
   * Leases task {@code name} (owned by {@code owner}) and ends it, then puts its live record back:
   * its DONE record stands with the live one still there, as between the two writes of a
   * completion. Returns the DONE record that stands.
   */
  private TaskInfo doneWithLiveRecordLeft(TaskStore store, String name, String owner)
      throws Exception {
    TaskInfo a = queued(name, "1");
    TaskInfo lease = running(a, 1, "w1", owner);
    join(store.createAll(List.of(a)));
    join(store.updateAll(List.of(lease)));
    String id = a.getSpec().getId();
    Object leased = liveEntry(id);
    TaskInfo stored = join(store.completeFirst(List.of(done(lease)))).get(0);
    restoreLiveEntry(id, leased);
    assertThat(liveEntryExists(id)).isTrue();
    return stored;
  }

  /**
   * The map entry that holds a task's live record: the record itself, or the {@link LiveChunk} of a
   * task named as the SDKs name theirs (this test's only task of that chunk).
   */
  private static Object liveEntry(String id) {
    String chunk = ChunkIds.chunkOf(id);
    return chunk == null
        ? hazelcast.<String, byte[]>getMap(HazelcastTaskStore.TASKS_MAP).get(id)
        : hazelcast.<String, LiveChunk>getMap(HazelcastTaskStore.CHUNKS_MAP).get(chunk);
  }

  private static void restoreLiveEntry(String id, Object entry) {
    String chunk = ChunkIds.chunkOf(id);
    if (chunk == null) {
      hazelcast.<String, byte[]>getMap(HazelcastTaskStore.TASKS_MAP).put(id, (byte[]) entry);
    } else {
      hazelcast
          .<String, LiveChunk>getMap(HazelcastTaskStore.CHUNKS_MAP)
          .put(chunk, (LiveChunk) entry);
    }
  }

  private static boolean liveEntryExists(String id) {
    String chunk = ChunkIds.chunkOf(id);
    return chunk == null
        ? hazelcast.getMap(HazelcastTaskStore.TASKS_MAP).containsKey(id)
        : hazelcast.<String, LiveChunk>getMap(HazelcastTaskStore.CHUNKS_MAP).containsKey(chunk)
            && hazelcast.<String, LiveChunk>getMap(HazelcastTaskStore.CHUNKS_MAP).get(chunk).get(id)
                != null;
  }

  /** {@code target} behind a JDK proxy of {@code type}, each result passed through {@code map}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> T wrapped(Class type, T target, UnaryOperator<Object> map) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              try {
                return map.apply(method.invoke(target, args));
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void createAll_issuedOnCallersThread_completesOnlyOnStoreExecutor() throws Exception {
    // A test-controlled executor: nothing runs until the test says so.
    java.util.Queue<Runnable> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    TaskStore held = new HazelcastTaskStore(hazelcast, TTL, pending::add);
    var info = queued("held", "x");

    var stage = held.createAll(java.util.List.of(info)).toCompletableFuture();

    // The write needs no store thread (issued here, asynchronously) ...
    await().atMost(Duration.ofSeconds(10)).until(() -> liveEntryExists(info.getSpec().getId()));
    // ... but its stage completes only on the store executor, never on Hazelcast's threads.
    await().atMost(Duration.ofSeconds(10)).until(() -> !pending.isEmpty());
    assertThat(stage).isNotDone();
    // Each continuation may issue the next call (the check of the results map): run them as
    // they arrive until the stage is done.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              for (Runnable r = pending.poll(); r != null; r = pending.poll()) {
                r.run();
              }
              return stage.isDone();
            });
    assertThat(stage.get()).containsExactly(java.util.Optional.empty());
  }
}

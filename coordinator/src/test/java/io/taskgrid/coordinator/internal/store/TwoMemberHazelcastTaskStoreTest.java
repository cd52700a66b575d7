package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.map.impl.recordstore.RecordStore;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.PartitionSpecificRunnable;
import com.hazelcast.spi.impl.operationservice.impl.OperationServiceImpl;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.concurrent.Executors2;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskState;
import java.io.IOException;
import java.io.Serializable;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on the first of two members, as coordinators run it: about half the partitions are
 * owned by the other member (a batch travels there as a serialized operation) and every write has
 * one synchronous backup on the other member.
 */
class TwoMemberHazelcastTaskStoreTest extends TaskStoreContractTest {
  private static HazelcastInstance first;
  private static HazelcastInstance second;
  private static ThreadPoolExecutor executor;

  /** The members of {@link #newBudgetedStore}, started when needed. */
  private static final List<HazelcastInstance> budgeted = new ArrayList<>();

  /** Held by {@link BlockPartitionThread} until the test releases it. */
  private static volatile CountDownLatch entered = new CountDownLatch(1);

  private static volatile CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void startMembers() throws IOException {
    String cluster = "store-test-2-" + System.nanoTime();
    int[] ports = {freePort(), freePort()};
    List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    Config firstConfig = memberConfig(cluster, ports[0], members);
    // A write whose backup is held up waits for it however long the test takes (the default
    // would give up waiting after 5 s and answer anyway).
    firstConfig.setProperty("hazelcast.operation.backup.timeout.millis", "600000");
    Config secondConfig = memberConfig(cluster, ports[1], members);
    // One partition thread: blocking it holds up every backup sent to this member.
    secondConfig.setProperty("hazelcast.operation.thread.count", "1");
    first = Hazelcast.newHazelcastInstance(firstConfig);
    second = Hazelcast.newHazelcastInstance(secondConfig);
    await().atMost(Duration.ofSeconds(60)).until(() -> first.getCluster().getMembers().size() == 2);
    // Hazelcast arranges the partition table on first use and then migrates half of it to the
    // second member, whose one partition thread the backups wait for: arrange it here, so that
    // the first test's first write does not wait out the migration (it timed out once under load).
    first.getPartitionService().getPartitions().forEach(p -> p.getOwner());
    await().atMost(Duration.ofSeconds(60)).until(() -> first.getPartitionService().isClusterSafe());
    executor = Executors2.fixed("store-test-2", 2);
    // Every member of a cluster is a coordinator with its store, which sweeps the finished chunks
    // that member owns (format 4); the tests' stores are all on the first member.
    secondStore = new HazelcastTaskStore(second, Duration.ofHours(1), executor);
  }

  /** The store of the second member: it only sweeps. */
  private static HazelcastTaskStore secondStore;

  private static Config memberConfig(String cluster, int port, List<String> members) {
    return HazelcastConfigs.memberConfig(
        CoordinatorOptions.newBuilder()
            .clusterName(cluster)
            .hazelcastHost("127.0.0.1")
            .hazelcastPort(port)
            .members(members)
            .build());
  }

  @AfterAll
  static void stopMembers() {
    release.countDown();
    secondStore.close();
    budgeted.forEach(HazelcastInstance::shutdown);
    budgeted.clear(); // a subclass starts its own
    second.shutdown();
    first.shutdown();
    Executors2.shutdown(executor, Duration.ofSeconds(2));
  }

  @Override
  TaskStore newStore(Duration resultTtl) {
    return new HazelcastTaskStore(first, resultTtl, executor);
  }

  /**
   * Two more members whose results map holds at most {@link #BUDGET} records (these keep the
   * default budget: other tests read back thousands of finished records): the budget is per member,
   * and with two of them each member's share of owned records stays within it.
   */
  @Override
  TaskStore newBudgetedStore() throws Exception {
    if (budgeted.isEmpty()) {
      String cluster = "store-budget-2-" + System.nanoTime();
      int[] ports = {freePort(), freePort()};
      List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
      for (int port : ports) {
        budgeted.add(
            Hazelcast.newHazelcastInstance(
                HazelcastConfigs.memberConfig(
                    CoordinatorOptions.newBuilder()
                        .clusterName(cluster)
                        .hazelcastHost("127.0.0.1")
                        .hazelcastPort(port)
                        .members(members)
                        .retainedMax(BUDGET)
                        .build())));
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> budgeted.get(0).getCluster().getMembers().size() == 2);
    }
    return new HazelcastTaskStore(budgeted.get(0), Duration.ofHours(1), executor);
  }

  /** Each member sweeps what it owns, as each coordinator's store does. */
  @Override
  void applyRetention(TaskStore budgeted) {
    ((HazelcastTaskStore) budgeted).sweepRetention();
    HazelcastTaskStore other =
        new HazelcastTaskStore(
            TwoMemberHazelcastTaskStoreTest.budgeted.get(1), Duration.ofHours(1), executor);
    try {
      other.sweepRetention();
    } finally {
      other.close();
    }
  }

  @Override
  void passTtl(TaskStore store, String expiringId) {
    // Hazelcast expiry runs on real time (1 s granularity): wait until the entry is gone.
    await().atMost(Duration.ofSeconds(10)).until(() -> join(store.get(expiringId)).isEmpty());
  }

  @Test
  void createAll_partitionsOfBothMembers_allStored() throws Exception {
    TaskStore store = newStore(TTL);
    String prefix = "both-" + UUID.randomUUID() + "-";
    List<TaskInfo> records = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      TaskInfo r = queued("x", Integer.toString(i));
      records.add(r.toBuilder().setSpec(r.getSpec().toBuilder().setId(prefix + i)).build());
    }

    List<Optional<TaskInfo>> created = join(store.createAll(records));

    assertThat(created).allMatch(Optional::isEmpty);
    // The batch went to partitions of both members.
    assertThat(records)
        .extracting(rec -> ownerOf(rec.getSpec().getId()))
        .contains(first.getCluster().getLocalMember(), second.getCluster().getLocalMember());
    Map<String, TaskInfo> stored =
        join(store.getAll(records.stream().map(r -> r.getSpec().getId()).toList()));
    assertThat(stored).hasSize(records.size());
  }

  /**
   * A resubmitted id of an ended task is answered its DONE record, and no live record is made of
   * it, on the owner or on its backup (the backup, which cannot look up finished records, skips
   * what the owner found ended): a backup promoted later would otherwise run the task again.
   */
  @Test
  void createAll_idOfAnEndedTask_noLiveRecordOnTheBackupEither() throws Exception {
    TaskStore store = newStore(TTL);
    List<TaskInfo> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add(queued("ended-again-" + i, "1"));
    }
    join(store.createAll(records));
    List<TaskInfo> done = records.stream().map(TaskStoreContractTest::done).toList();
    join(store.completeAll(done));
    long liveBackups = liveBackupEntries();

    List<Optional<TaskInfo>> again = join(store.createAll(records));

    assertThat(again).containsExactlyElementsOf(done.stream().map(Optional::of).toList());
    assertThat(liveBackupEntries()).isEqualTo(liveBackups);
  }

  /**
   * A late attempt's result replaced by the lease a worker's report took (see {@link TakenLeases}):
   * the backup holds what the owner wrote, not the late attempt, so a backup promoted later answers
   * the outcome a client may have been told.
   */
  @Test
  void completeFirst_ofAnotherAttemptAfterALeaseWasTaken_theBackupHoldsTheTakenLeaseToo()
      throws Exception {
    HazelcastTaskStore store = (HazelcastTaskStore) newStore(TTL);
    TaskInfo a = queued("taken-backup", "1");
    String id = a.getSpec().getId();
    join(store.createAll(List.of(a)));
    join(store.updateAll(List.of(running(a, 1, "w1", "c0"))));
    byte[] taken = join(store.takeLeases(List.of(report(a, 1, "w1", "first"))))[0];
    TaskInfo rerun =
        running(a, 2, "w2", "c1").toBuilder()
            .setState(TaskState.DONE)
            .setResult(report(a, 2, "w2", "second"))
            .build();

    join(store.completeFirst(List.of(rerun)));

    assertThat(resultOnTheBackup(id, store.format())).isEqualTo(taken);
    store.close();
  }

  /**
   * The finished record of {@code id} on the member that holds its partition's backup (in the
   * results map, or in format 4 in its finished chunk), read on that member's partition thread as
   * its backups are written.
   */
  private static byte[] resultOnTheBackup(String id, StoreFormat format) throws Exception {
    String chunk = format.finishedByChunk() ? ChunkIds.chunkOf(id) : null;
    String mapName =
        chunk == null ? HazelcastTaskStore.RESULTS_MAP : HazelcastTaskStore.FINISHED_CHUNKS_MAP;
    for (HazelcastInstance member : List.of(first, second)) {
      NodeEngine engine = ((MapProxyImpl<?, ?>) member.getMap(mapName)).getNodeEngine();
      SerializationService serialization = engine.getSerializationService();
      Data key =
          chunk == null
              ? serialization.toData(id, new HazelcastInternals.ChunkPartitioning(serialization))
              : serialization.toData(chunk);
      int partition = engine.getPartitionService().getPartitionId(key);
      if (engine.getPartitionService().isPartitionOwner(partition)) {
        continue;
      }
      CompletableFuture<byte[]> read = new CompletableFuture<>();
      ((OperationServiceImpl) engine.getOperationService())
          .execute(
              new PartitionSpecificRunnable() {
                @Override
                public int getPartitionId() {
                  return partition;
                }

                @Override
                public void run() {
                  RecordStore<?> results =
                      engine
                          .<MapService>getService(MapService.SERVICE_NAME)
                          .getMapServiceContext()
                          .getExistingRecordStore(partition, mapName);
                  Object value = results == null ? null : results.get(key, true, null, false);
                  Object read0 = value == null ? null : serialization.toObject(value);
                  read.complete(
                      read0 instanceof FinishedChunk finished ? finished.get(id) : (byte[]) read0);
                }
              });
      return read.get(30, TimeUnit.SECONDS);
    }
    throw new AssertionError("neither member holds the backup of " + id);
  }

  /** Backup entries of the live maps (records of their own and chunks) on both members. */
  private static long liveBackupEntries() {
    long n = 0;
    for (HazelcastInstance member : List.of(first, second)) {
      for (String map : List.of(HazelcastTaskStore.TASKS_MAP, HazelcastTaskStore.CHUNKS_MAP)) {
        n += member.getMap(map).getLocalMapStats().getBackupEntryCount();
      }
    }
    return n;
  }

  @Test
  void createAll_backupHeldUp_notAcknowledgedUntilTheBackupHasIt() throws Exception {
    TaskStore store = newStore(TTL);
    String prefix = "held-" + UUID.randomUUID() + "-";
    // A record owned by the first member, so its backup goes to the second.
    String id = idOwnedBy(first, prefix);
    TaskInfo r = queued("x", "1");
    TaskInfo record = r.toBuilder().setSpec(r.getSpec().toBuilder().setId(id)).build();
    IMap<String, byte[]> map = first.getMap(HazelcastTaskStore.TASKS_MAP);

    List<Optional<TaskInfo>> created =
        createWithBackupsHeldUp(store, prefix, List.of(record), () -> map.get(id) != null);

    assertThat(created).containsExactly(Optional.empty());
  }

  /**
   * As above for the tasks named as the SDKs name theirs: a write to a chunk (one entry, several
   * tasks) is acknowledged only once the chunk's backup has it.
   */
  @Test
  void createAll_chunkBackupHeldUp_notAcknowledgedUntilTheBackupHasIt() throws Exception {
    TaskStore store = newStore(TTL);
    // A chunk owned by the first member, so its backup goes to the second.
    List<TaskInfo> records = new ArrayList<>();
    String chunk = null;
    for (int attempt = 0; chunk == null; attempt++) {
      String clientPrefix = String.format("%032x", attempt + System.nanoTime());
      String candidate = ChunkIds.chunkOf(clientPrefix + "-0-0123456789abcdef");
      if (ownerOf(candidate).equals(first.getCluster().getLocalMember())) {
        chunk = candidate;
        for (int n = 0; n < 3; n++) {
          TaskInfo r = queued("x" + n, "1");
          records.add(
              r.toBuilder()
                  .setSpec(
                      r.getSpec().toBuilder().setId(clientPrefix + "-" + n + "-0123456789abcdef"))
                  .build());
        }
      }
    }
    IMap<String, LiveChunk> chunks = first.getMap(HazelcastTaskStore.CHUNKS_MAP);
    String written = chunk;

    List<Optional<TaskInfo>> created =
        createWithBackupsHeldUp(
            store, "held-" + UUID.randomUUID() + "-", records, () -> chunks.containsKey(written));

    assertThat(created).containsExactly(Optional.empty(), Optional.empty(), Optional.empty());
    assertThat(join(store.getAll(records.stream().map(r -> r.getSpec().getId()).toList())))
        .hasSize(3);
  }

  /**
   * Creates {@code records} (owned by the first member) while the second member's only partition
   * thread is held, so no backup can be applied: checks that the create is not acknowledged once
   * the owner has written ({@code ownerWrote}), then lets the backups through and returns its
   * answer.
   */
  private static List<Optional<TaskInfo>> createWithBackupsHeldUp(
      TaskStore store, String prefix, List<TaskInfo> records, Callable<Boolean> ownerWrote)
      throws Exception {
    IMap<String, byte[]> map = first.getMap(HazelcastTaskStore.TASKS_MAP);
    entered = new CountDownLatch(1);
    release = new CountDownLatch(1);
    // Occupies the second member's only partition thread.
    CompletableFuture<Boolean> blocker =
        map.submitToKey(idOwnedBy(second, prefix), new BlockPartitionThread())
            .toCompletableFuture();
    assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<List<Optional<TaskInfo>>> created =
        store.createAll(records).toCompletableFuture();
    // The owner has written it (its partition threads are free) ...
    await().atMost(Duration.ofSeconds(60)).until(ownerWrote);
    // ... but the backup cannot have been applied yet, so the write is not acknowledged.
    assertThat(created).isNotDone();

    release.countDown();
    List<Optional<TaskInfo>> answer = created.get(60, TimeUnit.SECONDS);
    assertThat(blocker.get(60, TimeUnit.SECONDS)).isTrue();
    return answer;
  }

  private static Member ownerOf(String id) {
    return first.getPartitionService().getPartition(id).getOwner();
  }

  private static String idOwnedBy(HazelcastInstance member, String prefix) {
    for (int i = 0; ; i++) {
      String id = prefix + i;
      if (member
          .getPartitionService()
          .getPartition(id)
          .getOwner()
          .equals(member.getCluster().getLocalMember())) {
        return id;
      }
    }
  }

  /** Holds the partition thread it runs on until the test releases it; writes nothing. */
  static final class BlockPartitionThread
      implements EntryProcessor<String, byte[], Boolean>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(Map.Entry<String, byte[]> entry) {
      entered.countDown();
      try {
        return release.await(120, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public EntryProcessor<String, byte[], Boolean> getBackupProcessor() {
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
